package io.regionpm.recovery;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.Lock;

import org.eclipse.collections.api.list.primitive.MutableLongList;
import org.eclipse.collections.api.map.primitive.MutableLongLongMap;
import org.eclipse.collections.impl.list.mutable.primitive.LongArrayList;
import org.eclipse.collections.impl.map.mutable.primitive.LongLongHashMap;

import io.regionpm.alloc.Lane;
import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolGeometry;
import io.regionpm.recovery.log.RecordLog;

/**
 * One transaction in one lane: undo-logged in-place writes ({@link #snapshot} a range, then
 * write it directly), redo-logged writes ({@link #setLong}), allocation and free, and the
 * locks it holds until it ends. Obtained from {@link PoolRuntime#transaction}; nesting is
 * flat (an inner {@code transaction} call joins the outer one).
 *
 * <p>Atomicity: after a crash at any instant (process crash or power loss), a committed
 * transaction has all its effects and an uncommitted one none. The commit point is the
 * durability of the COMMIT record in the lane's log (or, for a transaction with only
 * in-place writes, the truncation of its undo records). An allocation is released on abort
 * or crash; a free takes effect at commit. See docs/format.md, "Transactions".
 *
 * <p>Thread-safety: confined to the thread that runs it; its lane reuses the object for its
 * next transaction, so never keep a reference once it has ended. Process-safety: isolation comes
 * from the locks it takes ({@link #lock}); the data a transaction writes must be protected by
 * a lock it holds, and its locks are released only after its log is truncated.
 *
 * <p>Heap use: bounded by the lane's log size (the transaction's own records).
 */
public final class Transaction {
    private static final int REUSE_BOUND = 64;
    private final PoolRuntime runtime;
    private final PersistentMemory pm;
    private final PoolGeometry g;
    private final Lane lane;
    private final TxLane txLane;
    private final LaneLog space;
    private final RecordLog log;
    private final long[] scratch;
    private final TxRecords.Collected undo = new TxRecords.Collected();
    private final MutableLongList inPlace = new LongArrayList();
    private final WordMap redo = new WordMap();
    private final MutableLongLongMap allocated = new LongLongHashMap();
    private final MutableLongList frees = new LongArrayList();
    private final MutableLongList retired = new LongArrayList();
    private final List<HeldLock> locks = new ArrayList<>();
    private final List<Runnable> committing = new ArrayList<>();
    private final List<Runnable> ended = new ArrayList<>();
    private final WordMap touched = new WordMap();
    private boolean logged;
    private boolean active = true;
    private boolean durable;

    Transaction(PoolRuntime runtime, Lane lane, TxLane txLane) {
        this.runtime = runtime;
        this.pm = runtime.memory();
        this.g = runtime.geometry();
        this.lane = lane;
        this.txLane = txLane;
        this.space = txLane.space();
        this.log = txLane.log();
        this.scratch = txLane.scratch();
    }

    /**
     * Makes an ended transaction of this lane new again (a lane keeps one transaction object,
     * so that a transaction allocates nothing once its lane has run a few). Collections that
     * grew past a bound are dropped rather than cleared, so one large transaction does not
     * slow every later one.
     *
     * @return this
     */
    Transaction reuse() {
        if (active) {
            return new Transaction(runtime, lane, txLane); // failed after its commit point: leave it alone
        }
        undo.clear();
        inPlace.clear();
        frees.clear();
        retired.clear();
        locks.clear();
        committing.clear();
        ended.clear();
        if (allocated.size() > REUSE_BOUND) {
            return new Transaction(runtime, lane, txLane);
        }
        redo.clear();
        allocated.clear();
        touched.clear();
        logged = false;
        durable = false;
        active = true;
        return this;
    }

    /** @return the runtime this transaction runs in */
    public PoolRuntime runtime() {
        return runtime;
    }

    /** @return the lane it runs in */
    public int lane() {
        return lane.index();
    }

    /** A lock this transaction holds: its offset, whether shared, and how to release it. */
    private record HeldLock(long offset, boolean shared, Lock local, RobustMutex mutex, Runnable release) {
        void unlock(Registration me) {
            if (mutex == null) {
                release.run();
                return;
            }
            try {
                mutex.unlock(me);
            } finally {
                local.unlock();
            }
        }
    }

    /**
     * Takes a pool mutex for the rest of the transaction (released after commit or abort),
     * taking it over from a dead owner after recovering the dead owner's lanes. Threads of
     * this process exclude each other first through an in-process lock.
     *
     * @param mutex the lock
     * @throws io.regionpm.alloc.LockTimeoutException after the runtime's lock timeout
     */
    public void lock(RobustMutex mutex) {
        if (!holds(mutex.offset(), false)) {
            Lock local = runtime.localLocks().acquire(mutex.offset(), false, runtime.lockTimeout());
            try {
                mutex.lock(runtime.registration(), lane.index(), runtime.lockTimeout(), runtime.deadOwnerRecovery);
            } catch (RuntimeException | Error e) {
                local.unlock();
                throw e;
            }
            locks.add(new HeldLock(mutex.offset(), false, local, mutex, null));
        }
    }

    /**
     * Takes the read side of a pool readers-writer lock for the rest of the transaction.
     *
     * @param rw the lock
     * @throws IllegalStateException                  if this transaction holds its write side
     * @throws io.regionpm.alloc.LockTimeoutException after the runtime's lock timeout
     */
    public void readLock(RobustRwLock rw) {
        if (holds(rw.offset(), false)) {
            return;
        }
        if (!holds(rw.offset(), true)) {
            Lock local = runtime.localLocks().acquire(rw.offset(), true, runtime.lockTimeout());
            take(local, () -> rw.readLock(runtime.registration(), runtime.lockTimeout(), runtime.deadOwnerRecovery));
            locks.add(new HeldLock(rw.offset(), true, null, null, () -> unlockBoth(local,
                    () -> rw.readUnlock(runtime.registration()))));
        }
    }

    /**
     * Takes the write side of a pool readers-writer lock for the rest of the transaction.
     *
     * @param rw the lock
     * @throws IllegalStateException                  if this transaction holds its read side (no upgrade)
     * @throws io.regionpm.alloc.LockTimeoutException after the runtime's lock timeout
     */
    public void writeLock(RobustRwLock rw) {
        if (holds(rw.offset(), false)) {
            return;
        }
        if (holds(rw.offset(), true)) {
            throw new IllegalStateException("the transaction holds the read lock at " + rw.offset()
                    + "; take the write lock first (no upgrade)");
        }
        Lock local = runtime.localLocks().acquire(rw.offset(), false, runtime.lockTimeout());
        take(local, () -> rw.writeLock(runtime.registration(), lane.index(), runtime.lockTimeout(),
                runtime.deadOwnerRecovery));
        locks.add(new HeldLock(rw.offset(), false, null, null, () -> unlockBoth(local,
                () -> rw.writeUnlock(runtime.registration()))));
    }

    /**
     * Marks a key (for example the offset of a structure's version word) as touched by this
     * transaction, so that a collection registers its hooks once per transaction.
     *
     * @param key any value
     * @return true the first time this transaction is handed {@code key}
     */
    public boolean firstTouch(long key) {
        checkActive();
        return touched.put(key, 1);
    }

    /**
     * Runs {@code hook} when the transaction starts to commit, before any of its commit
     * records is written (so before any redo write becomes visible, and before a crash could
     * make recovery apply them). Hooks must not throw and must not use the transaction.
     *
     * @param hook what to run (for example: mark a structure's version word "changing")
     */
    public void whenCommitting(Runnable hook) {
        checkActive();
        committing.add(hook);
    }

    /**
     * Runs {@code hook} once the transaction has ended: after a commit, once its redo writes
     * are applied and its frees done; after an abort, once its in-place writes are undone and
     * its allocations released. It runs before the transaction's locks are released. Not run
     * if the process dies first (the lane's recovery completes the transaction; hooks are
     * the collection's business to repair). Hooks must not throw and must not use the
     * transaction.
     *
     * @param hook what to run (for example: mark a structure's version word "stable")
     */
    public void whenEnded(Runnable hook) {
        checkActive();
        ended.add(hook);
    }

    private static void runAll(List<Runnable> hooks) {
        for (int i = 0; i < hooks.size(); i++) {
            hooks.get(i).run();
        }
    }

    private boolean holds(long offset, boolean shared) {
        checkActive();
        for (HeldLock held : locks) {
            if (held.offset() == offset && held.shared() == shared) {
                return true;
            }
        }
        return false;
    }

    private static void take(Lock local, Runnable poolLock) {
        try {
            poolLock.run();
        } catch (RuntimeException | Error e) {
            local.unlock();
            throw e;
        }
    }

    private static void unlockBoth(Lock local, Runnable poolUnlock) {
        try {
            poolUnlock.run();
        } finally {
            local.unlock();
        }
    }

    /**
     * Allocates a block for this transaction: the caller writes it directly (no snapshot
     * needed); it becomes allocated at commit and is released on abort or crash.
     *
     * @param bytes size, at least 1
     * @return the block's offset
     * @throws io.regionpm.alloc.PoolFullException if nothing fits (the transaction may go on)
     */
    public long allocate(long bytes) {
        checkActive();
        long block = lane.reserve(bytes);
        allocated.put(block, bytes);
        return block;
    }

    /**
     * Frees a block at commit (a block allocated by this transaction is released at once).
     *
     * @param block an allocated block's offset
     * @throws io.regionpm.alloc.PoolCorruptedException if it is not an allocated block
     * @throws IllegalStateException                    if this transaction already freed it
     */
    public void free(long block) {
        checkActive();
        if (allocated.containsKey(block)) {
            allocated.remove(block);
            lane.cancel(block);
            return;
        }
        runtime.heap().usableSize(block);
        if (frees.contains(block)) {
            throw new IllegalStateException("block " + block + " is already freed by this transaction");
        }
        frees.add(block);
    }

    /**
     * Retires a block that this transaction unlinks from a shadow structure: it is freed only
     * once no reader in any process can still reach it ({@link ReaderEpochs}). Until then it
     * waits in the lane's limbo, entered atomically with this transaction's commit; a later
     * commit of the lane frees it. A block allocated by this transaction is released at once.
     *
     * @param block an allocated block's offset
     * @throws io.regionpm.alloc.PoolCorruptedException if it is not an allocated block
     * @throws IllegalStateException                    if this transaction already freed or retired it
     */
    public void retire(long block) {
        checkActive();
        if (allocated.containsKey(block)) {
            free(block);
            return;
        }
        runtime.heap().usableSize(block);
        if (retired.contains(block) || frees.contains(block)) {
            throw new IllegalStateException("block " + block + " is already freed or retired by this transaction");
        }
        retired.add(block);
    }

    /**
     * Logs the current contents of a range (rounded out to whole 8-byte words) durably, so
     * that the caller may then write it in place: on abort or crash before commit the range
     * gets these contents back. Ranges already logged by this transaction, and blocks it
     * allocated, need no new record.
     *
     * @param offset first byte
     * @param length bytes
     * @throws TransactionTooLargeException if the log has no room (abort follows)
     */
    public void snapshot(long offset, long length) {
        checkActive();
        long start = offset & -8L;
        long end = offset + length + 7 & -8L;
        checkTarget(start, (end - start) / 8);
        if (length <= 0 || covered(start, end)) {
            return;
        }
        int chunk = scratch.length - 2;
        for (long at = start; at < end; at += 8L * chunk) {
            int n = (int) Math.min(chunk, (end - at) / 8);
            scratch[0] = TxRecords.head(TxRecords.UNDO, n);
            scratch[1] = at;
            for (int i = 0; i < n; i++) {
                scratch[2 + i] = pm.getLong(at + 8L * i);
            }
            append(n + 2);
            undo.visit(scratch, 0, n + 2);
        }
        log.flush();
        inPlace.add(start);
        inPlace.add(end);
    }

    private boolean covered(long start, long end) {
        for (int i = 0; i < inPlace.size(); i += 2) {
            if (inPlace.get(i) <= start && end <= inPlace.get(i + 1)) {
                return true;
            }
        }
        boolean[] inBlock = {false};
        allocated.forEachKeyValue((block, bytes) -> inBlock[0] |= block <= start && end <= block + bytes);
        return inBlock[0];
    }

    /**
     * Reads a word as this transaction sees it (its own redo writes included).
     *
     * @param offset an 8-byte aligned offset
     * @return the value
     */
    public long getLong(long offset) {
        checkActive();
        int i = redo.isEmpty() ? -1 : redo.indexOf(offset);
        return i >= 0 ? redo.value(i) : pm.getLong(offset);
    }

    /**
     * A redo-logged write: applied at commit, invisible to other threads and processes
     * before (read it back with {@link #getLong}).
     *
     * @param offset an 8-byte aligned word of the data region or the root area
     * @param value  the value
     */
    public void setLong(long offset, long value) {
        checkActive();
        checkTarget(offset, 1);
        redo.put(offset, value);
    }

    private void checkTarget(long offset, long words) {
        try {
            TxRecords.checkTarget(g, offset, words, "transactional write");
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private void append(int words) {
        if (!log.append(scratch, 0, words)) {
            throw new TransactionTooLargeException("transaction in lane " + lane.index() + " does not fit in its "
                    + log.capacityBytes() + "-byte log (" + log.usedBytes() + " bytes used)");
        }
        logged = true;
    }

    boolean isActive() {
        return active;
    }

    /** Commits: see the class comment for the order of durable steps. */
    void commit() {
        checkActive();
        LaneLimbo.settle(this, txLane, runtime.readerEpochs(), retired, frees::add);
        runAll(committing);
        if (redo.isEmpty() && allocated.isEmpty() && frees.isEmpty()) {
            if (logged) {
                flushInPlace();
                pm.drain();
                log.truncate();
            }
            active = false;
            runAll(ended);
            return;
        }
        if (flushInPlace()) {
            pm.drain();
        }
        long sequence = space.lastSequence() + 1;
        appendCommitRecords(sequence);
        space.setLastSequence(sequence);
        log.flush();
        durable = true;
        apply(sequence);
        runAll(ended);
        if (!retired.isEmpty()) {
            runtime.readerEpochs().retireEpoch();
        }
        log.truncate();
        active = false;
    }

    /**
     * Flushes the ranges written in place and the blocks allocated (the caller drains before
     * any commit record is even stored: a stored word may reach media at any time).
     *
     * @return whether there was anything to flush
     */
    private boolean flushInPlace() {
        for (int i = 0; i < inPlace.size(); i += 2) {
            pm.flush(inPlace.get(i), inPlace.get(i + 1) - inPlace.get(i));
        }
        allocated.forEachKeyValue(pm::flush);
        return !inPlace.isEmpty() || !allocated.isEmpty();
    }

    private void appendCommitRecords(long sequence) {
        long[] offsets = redo.sortedKeys();
        int chunk = scratch.length - 2;
        for (int i = 0; i < offsets.length; ) {
            int n = 1;
            while (i + n < offsets.length && n < chunk && offsets[i + n] == offsets[i] + 8L * n) {
                n++;
            }
            scratch[0] = TxRecords.head(TxRecords.REDO, n);
            scratch[1] = offsets[i];
            for (int k = 0; k < n; k++) {
                scratch[2 + k] = redo.value(redo.indexOf(offsets[i + k]));
            }
            append(n + 2);
            i += n;
        }
        appendBlocks(TxRecords.ALLOC, sortedBlocks());
        appendBlocks(TxRecords.FREE, frees.toArray());
        scratch[0] = TxRecords.head(TxRecords.COMMIT, 0);
        scratch[1] = sequence;
        append(2);
    }

    /**
     * The allocated blocks, sorted, without Eclipse Collections' list factories (their first
     * use scans the class path for service providers: a stall of up to a second inside the
     * first commit of a JVM, with its locks held).
     */
    private long[] sortedBlocks() {
        long[] blocks = new long[allocated.size()];
        int[] n = {0};
        allocated.forEachKey(b -> blocks[n[0]++] = b);
        Arrays.sort(blocks);
        return blocks;
    }

    private void appendBlocks(int kind, long[] blocks) {
        int chunk = scratch.length - 1;
        for (int i = 0; i < blocks.length; i += chunk) {
            int n = Math.min(chunk, blocks.length - i);
            scratch[0] = TxRecords.head(kind, n);
            System.arraycopy(blocks, i, scratch, 1, n);
            append(n + 1);
        }
    }

    private void apply(long sequence) {
        for (int i = 0; i < redo.size(); i++) {
            pm.setLong(redo.key(i), redo.value(i));
            pm.flush(redo.key(i), 8);
        }
        allocated.forEachKey(lane::publishCommitted);
        pm.drain();
        for (int i = 0; i < frees.size(); i++) {
            lane.repair().free(frees.get(i), space.progressSlot(), LaneLog.progress(sequence, i + 1));
        }
    }

    /** Undoes everything: in-place writes restored, allocations released, the log truncated. */
    void abort() {
        if (!active) {
            return;
        }
        if (durable) {
            throw new IllegalStateException("transaction in lane " + lane.index()
                    + " failed after its commit point; its lane's recovery will complete it");
        }
        active = false;
        txLane.forgetLimbo();
        TxReplay.undo(pm, g, undo);
        allocated.forEachKey(lane::cancel);
        if (logged) {
            log.truncate();
        }
        runAll(ended);
    }

    /** Releases the locks, newest first (after commit or abort). */
    void releaseLocks() {
        for (int i = locks.size() - 1; i >= 0; i--) {
            locks.get(i).unlock(runtime.registration());
        }
        locks.clear();
    }

    private void checkActive() {
        if (!active) {
            throw new IllegalStateException("the transaction has ended");
        }
    }
}
