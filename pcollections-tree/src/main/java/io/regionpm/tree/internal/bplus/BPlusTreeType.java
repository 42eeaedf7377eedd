package io.regionpm.tree.internal.bplus;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.core.spi.CollectionType;
import io.regionpm.recovery.PoolRuntime;
import io.regionpm.recovery.Transaction;
import io.regionpm.recovery.check.BlockWalker;

/**
 * The B+tree collection type: its name in the root directory ("bplus-tree"), the checker's
 * walker ({@link TreeChecker}) and the drop, which frees the garbage, staging and published
 * trees a bounded batch at a time (resumable after a crash: see {@link TreeDestroyer}), then
 * the header.
 *
 * <p>Thread-safety: stateless.
 */
public final class BPlusTreeType implements CollectionType {
    /** The one instance. */
    public static final BPlusTreeType INSTANCE = new BPlusTreeType();
    /** The type's name in the root directory. */
    public static final String NAME = "bplus-tree";

    private BPlusTreeType() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public BlockWalker walker() {
        return TreeChecker::walk;
    }

    @Override
    public boolean destroySome(Transaction tx, long rootSlot, int budget) {
        long header = tx.getLong(rootSlot);
        if (header == 0) {
            return true;
        }
        PoolRuntime rt = tx.runtime();
        PersistentMemory pm = rt.memory();
        TreeHeader.validate(pm, header, rt.heap().usableSize(header));
        NodeStore store = new NodeStore(rt, TreeHeader.nodeBytes(pm, header));
        if (!TreeDestroyer.destroySome(tx, store, header, TreeWriter.Mode.LOGGED_IN_PLACE, budget,
                new BlockSet())) {
            return false;
        }
        for (int word : new int[] {TreeHeader.STAGING_AT, TreeHeader.ROOT_AT}) {
            long tree = tx.getLong(header + word);
            if (tree != 0) {
                TreeDestroyer.detach(tx, header, tree);
                tx.setLong(header + word, 0);
                return false;
            }
        }
        tx.free(header);
        tx.setLong(rootSlot, 0);
        return true;
    }

    /**
     * Creates a tree's header in {@code tx}.
     *
     * @param tx        the transaction
     * @param strategy  SHADOW or IN_PLACE
     * @param nodeBytes N
     * @return the header block
     */
    public static long create(Transaction tx, UpdateStrategy strategy, int nodeBytes) {
        long header = tx.allocate(TreeHeader.BYTES);
        TreeHeader.format(tx.runtime().memory(), header, strategy, nodeBytes);
        return header;
    }

    /**
     * Validates an existing tree's header.
     *
     * @param rt     the runtime
     * @param header the header block
     * @return its node size
     */
    public static int validate(PoolRuntime rt, long header) {
        TreeHeader.validate(rt.memory(), header, rt.heap().usableSize(header));
        return TreeHeader.nodeBytes(rt.memory(), header);
    }
}
