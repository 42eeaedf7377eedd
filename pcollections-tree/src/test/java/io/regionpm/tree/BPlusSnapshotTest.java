package io.regionpm.tree;

/** The layer's snapshot tests ({@link SortedSnapshotTestBase}) over a SHADOW {@link PersistentBPlusTree}. */
class BPlusSnapshotTest extends PooledSnapshotTestBase {
    @Override
    TreeKind kind() {
        return TreeKind.BPLUS;
    }
}
