package io.regionpm.tree;

import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** The layer's model test ({@link SortedMapModelTestBase}) over a {@link PersistentBPlusTree} with 256-byte nodes. */
@ParameterizedClass(name = "{0} {1}")
@MethodSource("configurations")
class BPlusSortedMapModelTest extends PooledSortedMapModelTestBase {
    @Override
    TreeKind kind() {
        return TreeKind.BPLUS;
    }
}
