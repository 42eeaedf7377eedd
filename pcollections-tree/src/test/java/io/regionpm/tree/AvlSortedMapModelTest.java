package io.regionpm.tree;

import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** The layer's model test ({@link SortedMapModelTestBase}) over a {@link PersistentAvlTree}. */
@ParameterizedClass(name = "{0} {1}")
@MethodSource("configurations")
class AvlSortedMapModelTest extends PooledSortedMapModelTestBase {
    @Override
    TreeKind kind() {
        return TreeKind.AVL;
    }
}
