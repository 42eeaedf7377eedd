package io.regionpm.tree.internal.bplus;

import java.lang.foreign.MemorySegment;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.recovery.PoolRuntime;
import io.regionpm.recovery.Transaction;

/**
 * Node blocks in the pool: validation of node pointers read from the pool, allocation, and
 * writing packed nodes into blocks, whole (a block of this transaction) or as the byte
 * ranges that changed, each undo-logged first (a block already published).
 *
 * <p>Thread-safety: stateless apart from the pool; callers hold the tree's writer lock for
 * anything that writes.
 */
final class NodeStore {
    private final PoolRuntime rt;
    private final PersistentMemory pm;
    private final MemorySegment mem;
    private final int nodeBytes;

    NodeStore(PoolRuntime rt, int nodeBytes) {
        this.rt = rt;
        this.pm = rt.memory();
        this.mem = pm.readOnlySlice(0, pm.size());
        this.nodeBytes = nodeBytes;
    }

    /** @return the pool's bytes as one read-only segment (pool offsets index it) */
    MemorySegment memory() {
        return mem;
    }

    int nodeBytes() {
        return nodeBytes;
    }

    /** @return the pool's persistent memory (for writes) */
    PersistentMemory pm() {
        return pm;
    }

    /**
     * Validates every slot of a node whose header was checked (before code that reads them all).
     *
     * @param node the node
     */
    void checkSlots(long node) {
        int n = Node.count(mem, node);
        for (int i = 0; i < n; i++) {
            Node.checkSlot(mem, node, i, nodeBytes);
        }
    }

    /**
     * Validation of a node on a writer's descent: a valid header, and an allocated block of the
     * node size unless {@code readOnly}; its slots are checked where they are read
     * ({@link #checkSlots} before a repack).
     *
     * @param node     a node pointer read from the pool
     * @param level    the level it must have, or -1
     * @param readOnly whether the writer never writes this block in place: copy-on-write (it
     *                 copies the node and retires the block, which validates it as an allocated
     *                 block then), or a block of its own transaction (not yet in the heap's bitmaps)
     * @return its count
     */
    int checkForDescent(long node, int level, boolean readOnly) {
        checkInPool(node);
        if (!readOnly) {
            long usable = rt.heap().usableSize(node);
            if (usable < nodeBytes) {
                throw new PoolCorruptedException("B+tree node at " + node + " is a block of " + usable + " bytes, not "
                        + nodeBytes);
            }
        }
        return Node.checkHeader(mem, node, nodeBytes, level);
    }

    /**
     * Cheap validation for lock-free readers: the node lies inside the pool and is aligned.
     *
     * @param node a node pointer read from the pool
     * @return it
     */
    long checkInPool(long node) {
        if (node <= 0 || (node & 7) != 0 || node > mem.byteSize() - nodeBytes) {
            throw new PoolCorruptedException("B+tree node pointer " + node + " is outside the pool");
        }
        return node;
    }

    /**
     * Full validation for writers and the checker: an allocated block of at least the node size,
     * whose header is valid for the level expected.
     *
     * @param node  a node pointer read from the pool
     * @param level the level it must have, or -1
     * @return its count
     */
    int checkNode(long node, int level) {
        checkInPool(node);
        long usable = rt.heap().usableSize(node);
        if (usable < nodeBytes) {
            throw new PoolCorruptedException("B+tree node at " + node + " is a block of " + usable + " bytes, not "
                    + nodeBytes);
        }
        return checkContents(node, level);
    }

    /**
     * {@link #checkNode} for a block the caller's transaction allocated (not yet marked
     * allocated in the heap's bitmaps, so only its contents are checked).
     *
     * @param node  the node
     * @param level the level it must have, or -1
     * @return its count
     */
    int checkContents(long node, int level) {
        checkInPool(node);
        int n = Node.checkHeader(mem, node, nodeBytes, level);
        for (int i = 0; i < n; i++) {
            Node.checkSlot(mem, node, i, nodeBytes);
        }
        return n;
    }

    /** Allocates a node block in the transaction and writes a packed node into it. */
    long writeNew(Transaction tx, MemorySegment packed, byte[] bytes) {
        long block = tx.allocate(nodeBytes);
        writeWhole(block, packed, bytes);
        return block;
    }

    /** Writes a packed node over a block of this transaction (no log needed). */
    void writeWhole(long block, MemorySegment packed, byte[] bytes) {
        int slotEnd = Node.HEADER + Node.SLOT * Node.count(packed, 0);
        int data = Node.dataStart(packed, 0);
        pm.write(bytes, 0, block, slotEnd);
        pm.write(bytes, data, block + data, nodeBytes - data);
    }

    /**
     * Writes a packed node over a published block, in place: each range that differs is
     * undo-logged ({@link Transaction#snapshot}) and then written.
     *
     * @param tx          the transaction
     * @param block       the block
     * @param packed      the new contents
     * @param bytes       the same, as an array
     * @param beforeWrite run before the first byte changes (the tree's version goes odd)
     */
    void writeLogged(Transaction tx, long block, MemorySegment packed, byte[] bytes, Runnable beforeWrite) {
        int newSlotEnd = Node.HEADER + Node.SLOT * Node.count(packed, 0);
        int oldSlotEnd = Node.HEADER + Node.SLOT * Node.count(mem, block);
        int newData = Node.dataStart(packed, 0);
        int oldData = Node.dataStart(mem, block);
        boolean[] started = {false};
        writeDiff(tx, block, packed, bytes, 0, Node.HEADER, beforeWrite, started);
        writeDiff(tx, block, packed, bytes, Node.HEADER, Math.max(newSlotEnd, oldSlotEnd), beforeWrite, started);
        writeDiff(tx, block, packed, bytes, Math.min(newData, oldData), nodeBytes, beforeWrite, started);
    }

    private void writeDiff(Transaction tx, long block, MemorySegment packed, byte[] bytes, int from, int to,
                           Runnable beforeWrite, boolean[] started) {
        long first = MemorySegment.mismatch(packed, from, to, mem, block + from, block + to);
        if (first < 0) {
            return;
        }
        int lo = from + (int) first & -8;
        int hi = to;
        while (hi - 8 >= lo + 8 && packed.get(Node.LONG, hi - 8) == mem.get(Node.LONG, block + hi - 8)) {
            hi -= 8;
        }
        if (!started[0]) {
            started[0] = true;
            beforeWrite.run();
        }
        tx.snapshot(block + lo, hi - lo);
        pm.write(bytes, lo, block + lo, hi - lo);
    }
}
