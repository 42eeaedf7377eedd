package io.regionpm.recovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import io.regionpm.alloc.Heap;
import io.regionpm.alloc.Lane;
import io.regionpm.alloc.LaneRecovery;
import io.regionpm.alloc.LaneRepair;
import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolClosedException;
import io.regionpm.alloc.PoolException;
import io.regionpm.alloc.PoolFile;
import io.regionpm.alloc.PoolGeometry;
import io.regionpm.recovery.check.CheckRoot;
import io.regionpm.recovery.check.PoolChecker;
import io.regionpm.recovery.check.WalkerRegistry;

/**
 * This process's attachment to a pool at the recovery layer: its process registry entry,
 * the heap with lane recovery, the root area and transactions. Opening registers the process
 * and recovers every lane whose holder died; lanes found dead later (when claimed, or when a
 * lock's owner is found dead) are recovered then, so the surviving processes never need a
 * restart.
 *
 * <p>Thread-safety: safe; each transaction is confined to its thread. Process-safety: any
 * number of processes (up to the registry's size) open the same pool at once. Crash
 * behaviour: a process that dies at any instant leaves lanes that the next process to find
 * them recovers (committed transactions redone, others undone); a power loss likewise.
 *
 * <p>Read-only runtimes ({@link #openReadOnly}) write nothing to the pool: they do not
 * register, recover, lock, take lanes or reader epochs, and refuse transactions.
 */
public final class PoolRuntime implements AutoCloseable {
    /** The checker type of a block waiting in a lane's limbo (it holds no pointers). */
    public static final String LIMBO_TYPE = "lane-limbo";
    /** Checker type of a lane's limbo overflow chain (its head page). */
    public static final String LIMBO_PAGES_TYPE = "lane-limbo-pages";
    private final PersistentMemory pm;
    private final PoolGeometry g;
    private final Heap heap;
    private final RootArea root;
    private final ProcessRegistry registry;
    private final RobustMutex recoveryMutex;
    private final ReaderEpochs readerEpochs;
    private final ReentrantLock recoveryLock = new ReentrantLock();
    private final Duration lockTimeout;
    private final LocalLocks localLocks = new LocalLocks();
    private final ThreadLocal<Transaction> current = new ThreadLocal<>();
    private final String source;
    private final boolean readOnly;
    private volatile Registration registration;
    private volatile boolean closed;
    private boolean openedClean;

    private final OperationBarrier barrier;

    private PoolRuntime(PersistentMemory pm, String source, Duration lockTimeout, OperationBarrier barrier,
                        boolean readOnly) {
        if (lockTimeout.isNegative() || lockTimeout.isZero()) {
            throw new IllegalArgumentException("lockTimeout must be positive: " + lockTimeout);
        }
        this.pm = pm;
        this.source = source;
        this.readOnly = readOnly;
        this.lockTimeout = lockTimeout;
        this.barrier = barrier;
        this.heap = Heap.attach(pm, source, new Recovery());
        this.g = heap.descriptor().geometry();
        this.root = new RootArea(pm, g);
        this.registry = new ProcessRegistry(pm, g.registryOffset(), g.registryEntries());
        this.recoveryMutex = new RobustMutex(pm, root.recoveryMutexOffset(), registry);
        this.readerEpochs = new ReaderEpochs(pm, root.readerEpochOffset(), registry);
    }

    /**
     * Opens a pool held in memory: validates its header, registers this process, recovers
     * dead lanes.
     *
     * @param pm          the pool's memory
     * @param source      a name for messages
     * @param lockTimeout how long to wait for a lock a live process holds
     * @return the runtime
     * @throws io.regionpm.alloc.PoolFormatException if the header is invalid
     * @throws io.regionpm.alloc.PoolException       if the registry is full
     */
    public static PoolRuntime open(PersistentMemory pm, String source, Duration lockTimeout) {
        return open(pm, source, lockTimeout, OperationBarrier.NONE);
    }

    /**
     * Opens a pool held in memory whose durability layer brackets operations (PMSYNC).
     *
     * @param pm          the pool's memory
     * @param source      a name for messages
     * @param lockTimeout how long to wait for a lock a live process holds
     * @param barrier     entered around every transaction and recovery
     * @return the runtime
     */
    public static PoolRuntime open(PersistentMemory pm, String source, Duration lockTimeout, OperationBarrier barrier) {
        PoolRuntime runtime = new PoolRuntime(pm, source, lockTimeout, barrier, false);
        barrier.enter();
        try {
            runtime.start();
        } finally {
            barrier.exit();
        }
        return runtime;
    }

    /**
     * Opens a mapped pool file (which the caller closes after this runtime).
     *
     * @param file        the file
     * @param lockTimeout how long to wait for a lock a live process holds
     * @return the runtime
     */
    public static PoolRuntime open(PoolFile file, Duration lockTimeout) {
        return open(file.memory(), file.path().toString(), lockTimeout);
    }

    /**
     * Opens a pool for reading only, writing nothing to it (the memory may be a read-only
     * mapping, {@link io.regionpm.alloc.PoolFile#openReadOnly}): this process is not
     * registered, the open count and clean-shutdown marker are left alone, no lane is taken
     * and nothing is recovered. {@link #transaction}, {@link #recoverDeadLanes} and everything
     * else that writes throw {@link PoolException}; {@link #enterRead()} takes no reader epoch
     * (see there).
     *
     * <p>Recovery is a write, so a pool that needs it is refused: if a lane held by a process
     * that is no longer alive (killed, or every process gone in a power loss) has work in
     * flight (a valid allocator intent, or records in its transaction log), that operation
     * would be visible half done, and this throws a {@link PoolException} telling to open the
     * pool read-write once (that open recovers every dead lane). Dead holders' lanes with
     * nothing in flight (a process killed between operations) are harmless to readers and
     * accepted. The check is made once, at open: a writer that dies later leaves its
     * half-done operation visible to this reader until some read-write process recovers it.
     *
     * <p>Thread-safety: safe. Process-safety: any number of read-only runtimes, beside any
     * number of read-write ones, in any processes; they do not count towards the registry's
     * size. Crash behaviour: a read-only process leaves nothing behind.
     *
     * @param pm          the pool's memory (read-only or not; nothing is written either way)
     * @param source      a name for messages
     * @param lockTimeout kept for {@link #lockTimeout()}; read-only runtimes wait for no lock
     * @return the runtime
     * @throws io.regionpm.alloc.PoolFormatException if the header is invalid
     * @throws PoolException if a lane is held by a dead process (recovery needed)
     */
    public static PoolRuntime openReadOnly(PersistentMemory pm, String source, Duration lockTimeout) {
        PoolRuntime runtime = new PoolRuntime(pm, source, lockTimeout, OperationBarrier.NONE, true);
        runtime.openedClean = runtime.root.cleanMarker();
        int[] dead = runtime.lanesWithWorkInFlight();
        if (dead.length > 0) {
            runtime.close();
            throw new PoolException(source + ": lanes " + Arrays.toString(dead) + " are held by processes that are no"
                    + " longer alive, and may hold operations in flight that only recovery (a write) can finish or"
                    + " undo; a read-only open writes nothing: open the pool read-write once to recover them");
        }
        return runtime;
    }

    /**
     * Opens a read-only mapped pool file for reading only ({@link #openReadOnly(PersistentMemory,
     * String, Duration)}); the caller closes the file after this runtime.
     *
     * @param file        the file, typically from {@link io.regionpm.alloc.PoolFile#openReadOnly}
     * @param lockTimeout kept for {@link #lockTimeout()}
     * @return the runtime
     * @throws PoolException if a lane is held by a dead process (recovery needed)
     */
    public static PoolRuntime openReadOnly(PoolFile file, Duration lockTimeout) {
        return openReadOnly(file.memory(), file.path().toString(), lockTimeout);
    }

    /** The lanes of dead holders whose recovery has work to do: an allocator intent or log records. */
    private int[] lanesWithWorkInFlight() {
        return Arrays.stream(heap.lanesOfDeadHolders())
                .filter(lane -> heap.hasIntent(lane) || new LaneLog(pm, g, lane).hasRecords())
                .toArray();
    }

    /** @return whether this runtime was opened read-only ({@link #openReadOnly}) */
    public boolean isReadOnly() {
        return readOnly;
    }

    private void checkWritable(String what) {
        checkOpen();
        if (readOnly) {
            throw new PoolException(source + ": the pool was opened read-only: " + what + " refused");
        }
    }

    private void start() {
        long epoch = root.bumpOpenCount();
        registration = registry.register(epoch, (entry, generation) -> { });
        openedClean = root.takeCleanMarker();
        try {
            if (!openedClean) {
                recoverDeadLanes();
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * @return whether the last process to close the pool before this open did so cleanly, so
     *         that this open did no recovery work
     */
    public boolean openedClean() {
        return openedClean;
    }

    /** @return the pool's memory */
    public PersistentMemory memory() {
        return pm;
    }

    /** @return the pool's layout */
    public PoolGeometry geometry() {
        return g;
    }

    /** @return the heap (allocator) */
    public Heap heap() {
        return heap;
    }

    /** @return the root area */
    public RootArea root() {
        return root;
    }

    /** @return the process registry */
    public ProcessRegistry registry() {
        return registry;
    }

    /** @return the pool's reader epochs */
    public ReaderEpochs readerEpochs() {
        return readerEpochs;
    }

    /**
     * Enters a read of shadow structures: until the guard is closed, no block that a
     * transaction retires from now on is freed (in any process).
     *
     * <p>Read-only runtimes take no reader epoch (that is a write to the pool): the guard
     * they return protects nothing, and blocks a writer retires may be freed and reused while
     * the read goes on. Readers of SHADOW structures in read-only mode therefore rely on the
     * collections' own version checks (validate what was read, retry when it changed).
     *
     * @return the guard; close it when the read is done
     */
    public ReaderEpochs.ReadGuard enterRead() {
        checkOpen();
        if (readOnly) {
            return readerEpochs.untracked();
        }
        return readerEpochs.enter(registration);
    }

    /** @return this process's registration */
    public Registration registration() {
        return registration;
    }

    LocalLocks localLocks() {
        return localLocks;
    }

    /**
     * The barrier every transaction enters: an operation that changes the pool outside a
     * transaction (a log append) brackets itself with it too, so that a PMSYNC copy never
     * captures it half done.
     *
     * @return the pool's operation barrier ({@link OperationBarrier#NONE} outside PMSYNC)
     */
    public OperationBarrier barrier() {
        return barrier;
    }

    /** @return how long lock waits last before {@link io.regionpm.alloc.LockTimeoutException} */
    public Duration lockTimeout() {
        return lockTimeout;
    }

    /**
     * Runs {@code body} as one transaction (or as part of the calling thread's current one:
     * flat nesting). Commits when it returns; aborts and rethrows when it throws anything
     * (any {@link Throwable}, unchanged).
     *
     * @param body what to do, through {@link #current()}
     */
    public void transaction(Runnable body) {
        transaction(() -> {
            body.run();
            return null;
        });
    }

    /**
     * Runs {@code body} as one transaction (flat nesting), returning its result.
     *
     * @param body what to do, through {@link #current()}
     * @param <T>  the result type
     * @return what body returned, once committed
     */
    public <T> T transaction(Supplier<T> body) {
        checkWritable("transaction()");
        if (current.get() != null) {
            return body.get();
        }
        barrier.enter();
        try {
            return run(body);
        } finally {
            barrier.exit();
        }
    }

    private <T> T run(Supplier<T> body) {
        Lane lane = heap.acquireLane();
        Transaction tx = null;
        try {
            tx = txLane(lane).begin(this, lane);
            current.set(tx);
            T result = body.get();
            tx.commit();
            return result;
        } catch (Throwable e) {
            abortQuietly(tx, e);
            throw PoolRuntime.<RuntimeException>rethrow(e);
        } finally {
            current.set(null); // not remove(): a thread keeps its entry for its next transaction
            try {
                if (tx != null) {
                    tx.releaseLocks();
                }
            } finally {
                lane.close();
            }
        }
    }

    /** Rethrows any throwable unchanged (a checked one thrown sneakily by the body included). */
    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E rethrow(Throwable t) throws E {
        throw (E) t;
    }

    private static void abortQuietly(Transaction tx, Throwable cause) {
        if (tx != null && tx.isActive()) {
            try {
                tx.abort();
            } catch (RuntimeException | Error e) {
                cause.addSuppressed(e);
            }
        }
    }

    /** @return the calling thread's transaction, or null outside one */
    public Transaction current() {
        return current.get();
    }

    private TxLane txLane(Lane lane) {
        if (lane.attachment() instanceof TxLane t) {
            return t;
        }
        TxLane t = TxLane.open(pm, g, lane.index());
        lane.attach(t);
        return t;
    }

    /**
     * Recovers every lane whose holder is dead, under the pool's recovery mutex: when it
     * returns, every lane that was dead when it was called is recovered.
     *
     * @return lanes with an allocator intent redone
     * @throws PoolException if this runtime is read-only
     */
    public int recoverDeadLanes() {
        checkWritable("recovering dead lanes");
        int[] redone = {0};
        barrier.enter();
        try {
            withRecoveryMutex(() -> redone[0] = heap.recoverDeadLanes());
        } finally {
            barrier.exit();
        }
        return redone[0];
    }

    /** {@link #recoverDeadOwner} as the locks take it, made once. */
    final DeadProcessRecovery deadOwnerRecovery = this::recoverDeadOwner;

    /** The recovery of a dead lock owner: its lanes (all dead lanes) are recovered first. */
    void recoverDeadOwner(int entry, long generation) {
        recoverDeadLanes();
    }

    private void withRecoveryMutex(Runnable work) {
        Registration me = registration;
        if (me == null) {
            throw new IllegalStateException("not registered yet");
        }
        recoveryLock.lock();
        try {
            boolean outermost = recoveryLock.getHoldCount() == 1;
            if (outermost) {
                recoveryMutex.lock(me, lockTimeout, (entry, generation) -> { });
            }
            try {
                work.run();
            } finally {
                if (outermost) {
                    recoveryMutex.unlock(me);
                }
            }
        } finally {
            recoveryLock.unlock();
        }
    }

    /**
     * A pool checker for this pool with the lane-log check added. Recover dead lanes first
     * ({@link #recoverDeadLanes}): the checker reports in-flight operations as problems.
     *
     * @param walkers the collection types' walkers
     * @return the checker (reads only until {@code repair})
     */
    public PoolChecker checker(WalkerRegistry walkers) {
        if (walkers.find(LIMBO_TYPE).isEmpty()) {
            walkers.register(LIMBO_TYPE, (memory, block, sink) -> { });
        }
        if (walkers.find(LIMBO_PAGES_TYPE).isEmpty()) {
            walkers.register(LIMBO_PAGES_TYPE, LimboPage.walker());
        }
        return new PoolChecker(heap, walkers).addCheck("lane logs", new LaneLogCheck(pm, g));
    }

    /**
     * The checker roots of the recovery layer itself: every block waiting in a lane's limbo
     * (retired, not yet freed), of type {@link #LIMBO_TYPE}, and each lane's overflow chain of
     * such blocks, of type {@link #LIMBO_PAGES_TYPE}.
     *
     * @return the roots
     */
    public List<CheckRoot> systemRoots() {
        List<CheckRoot> roots = new ArrayList<>();
        for (int lane = 0; lane < g.laneCount(); lane++) {
            LaneLog space = new LaneLog(pm, g, lane);
            for (int i = 0; i < LaneLog.LIMBO_ENTRIES; i++) {
                if (pm.getLong(space.limboEntry(i)) != 0) {
                    roots.add(new CheckRoot("lane " + lane + " limbo " + i, LIMBO_TYPE, space.limboEntry(i)));
                }
            }
            if (pm.getLong(space.overflowHead()) != 0) {
                roots.add(new CheckRoot("lane " + lane + " limbo pages", LIMBO_PAGES_TYPE, space.overflowHead()));
            }
        }
        return roots;
    }

    /** @return lanes of dead holders this runtime recovered */
    public int recoveredLanes() {
        return heap.laneRecoveries();
    }

    private void checkOpen() {
        if (closed) {
            throw new PoolClosedException("the pool runtime is closed");
        }
    }

    /**
     * Hands the lanes back and deregisters this process; the last process to close sets the
     * clean-shutdown marker, so that the next open does no recovery work. Transactions still
     * running in other threads keep their lanes until they end (close after them).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        heap.close();
        if (registration != null) {
            registry.deregister(registration);
            if (registry.liveCount() == 0) {
                root.setCleanMarker();
            }
        }
    }

    /** Replays dead lanes' logs for the heap, serialized by the recovery mutex. */
    private final class Recovery implements LaneRecovery {
        @Override
        public void recover(int lane, LaneRepair repair) {
            if (new TxReplay(pm, g, lane).replay(repair) != TxReplay.Outcome.EMPTY) {
                root.countRecovery();
            }
        }

        @Override
        public void serialize(Runnable claimAndRecover) {
            withRecoveryMutex(claimAndRecover);
        }
    }
}
