package io.regionpm.tree;

/** The layer's snapshot tests ({@link SortedSnapshotTestBase}) over a SHADOW {@link PersistentAvlTree}. */
class AvlSnapshotTest extends PooledSnapshotTestBase {
    @Override
    TreeKind kind() {
        return TreeKind.AVL;
    }
}
