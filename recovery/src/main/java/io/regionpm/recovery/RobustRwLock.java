package io.regionpm.recovery;

import java.time.Duration;
import java.util.Objects;

import io.regionpm.alloc.FutexResult;
import io.regionpm.alloc.LockTimeoutException;
import io.regionpm.alloc.PersistentMemory;

/**
 * A readers-writer lock in pool memory shared by every process that maps the pool, with
 * writer preference, robust against the death of the writer or of a reader: holders are
 * named by {@link ProcessRegistry} registrations, so a waiter that finds a holder dead
 * recovers it (through the caller's {@link DeadProcessRecovery}) and clears its hold instead
 * of waiting forever.
 *
 * <pre>
 * | offset  | size | field                                                                  |
 * |       0 |    8 | writer: 0 free, else (entry + 1) in bits 40-63, generation in 0-39     |
 * |       8 |    4 | sequence: bumped by every release (the futex word)                     |
 * |      12 |    4 | waiters: processes' threads sleeping on the sequence                   |
 * | 16 + 8i |    8 | readers of registry entry i: 0 none, else read holds in bits 40-63 and |
 * |         |      | the entry's generation when they were taken in bits 0-39               |
 * </pre>
 *
 * <p>A writer sets the writer word first (compare-and-set from 0), then waits for every
 * readers word to drain; a reader counts a hold in its entry's word (compare-and-set), then
 * reads the writer word again and backs the hold out and waits if a writer is there. Both
 * second reads are volatile, after a volatile write: either the reader sees the writer or the
 * writer sees the hold, never neither. A writer that has set its word, acquiring or owning,
 * keeps new readers out (writer preference).
 *
 * <p>No lost wake-ups: a waiter reads the sequence before it checks the state, and every
 * release (writer unlock, reader unlock, a reader backing out, a dead holder cleared) bumps
 * the sequence after it changes the state, then wakes every sleeper if there is one: readers
 * and writers sleep on the one word, so waking one could wake a waiter the release does not
 * concern.
 *
 * <p>Holds belong to registrations, not threads. The write lock is not reentrant, and a
 * registration that holds it cannot read. The read holds of one registration (the threads of
 * one process) share its word and nest by count; but, as with glibc's
 * {@code PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP}, a nested read while a writer waits
 * for the outer one waits for that writer: one of them times out. A registration that holds a
 * read lock and asks for the write lock waits for itself (no upgrade) and times out.
 *
 * <p>Thread- and process-safety: safe; a flyweight over {@link #bytes} bytes at an 8-byte
 * aligned offset. Crash behaviour: a dead writer's word is taken over (by a writer) or cleared
 * (by a reader), and a dead process's readers word is cleared, by the next waiter that checks
 * after a sleep that timed out; the protected data must be made consistent by the recovery
 * passed in. Two waiters may both recover one dead holder: recovery must be idempotent.
 */
public final class RobustRwLock {
    static final long WRITER = 0, SEQUENCE = 8, WAITERS = 12, READERS = 16;
    private static final long GENERATION_MASK = (1L << 40) - 1;
    private static final long ONE_HOLD = 1L << 40;
    private static final long MAX_HOLDS = (1L << 24) - 1;
    private static final long FIRST_SLICE_NANOS = 1_000_000;
    private static final long LAST_SLICE_NANOS = 100_000_000;

    private final PersistentMemory pm;
    private final long at;
    private final ProcessRegistry registry;

    /**
     * @param pm       the pool
     * @param at       the lock's offset, 8-byte aligned
     * @param registry the registry that names holders; the lock has a readers word per entry
     */
    public RobustRwLock(PersistentMemory pm, long at, ProcessRegistry registry) {
        pm.checkRange(at, bytes(registry.entries()));
        if ((at & 7) != 0) {
            throw new IllegalArgumentException("read-write lock offset must be 8-byte aligned: " + at);
        }
        this.pm = pm;
        this.at = at;
        this.registry = registry;
    }

    /**
     * @param registryEntries the entries of the registry that names holders
     * @return the bytes of a lock
     */
    public static long bytes(int registryEntries) {
        if (registryEntries < 1) {
            throw new IllegalArgumentException("a registry has at least one entry: " + registryEntries);
        }
        return READERS + (long) registryEntries * Long.BYTES;
    }

    /**
     * The readers word of a registration.
     *
     * @param r     a registration
     * @param holds its read holds, at least 1
     * @return the word stored in its entry's place while it has them
     */
    public static long readersWord(Registration r, long holds) {
        return holds * ONE_HOLD | (r.generation() & GENERATION_MASK);
    }

    /**
     * Takes a read hold, clearing a dead writer.
     *
     * @param me       the caller's registration
     * @param timeout  how long to wait for a live writer
     * @param recovery called with a dead holder's entry and generation before its hold is cleared
     * @throws LockTimeoutException  if a live writer holds or acquires it past the timeout
     * @throws IllegalStateException if {@code me} holds the write lock, or has 2^24 - 1 read holds
     */
    public void readLock(Registration me, Duration timeout, DeadProcessRecovery recovery) {
        long mine = RobustMutex.ownerWord(me);
        long deadline = System.nanoTime() + timeout.toNanos();
        long slice = FIRST_SLICE_NANOS;
        while (true) {
            int sequence = pm.getIntAcquire(at + SEQUENCE);
            long writer = pm.getLongAcquire(at + WRITER);
            if (writer == 0) {
                if (tryCountHold(me, recovery)) {
                    return;
                }
                continue;
            }
            if (LockOwner.sameRegistration(writer, mine)) {
                throw new IllegalStateException("the read-write lock at " + at + " is write-locked by this registration");
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                if (replaceIfDead(writer, 0, recovery)) {
                    continue;
                }
                throw timedOut(timeout, "the writer, registry entry " + LockOwner.entry(writer));
            }
            if (sleptOut(sequence, Math.min(slice, left))) {
                replaceIfDead(writer, 0, recovery);
            }
            slice = Math.min(slice * 2, LAST_SLICE_NANOS);
        }
    }

    /** One try: count a hold in {@code me}'s word, then back it out if a writer came meanwhile. */
    private boolean tryCountHold(Registration me, DeadProcessRecovery recovery) {
        long readers = readersAt(me.entry());
        long word = pm.getLongAcquire(readers);
        long generation = me.generation() & GENERATION_MASK;
        if (word != 0 && (word & GENERATION_MASK) != generation) {
            if (!clearReadersIfDead(me.entry(), recovery) && registry.isAlive(me.entry(), word & GENERATION_MASK)) {
                throw new IllegalStateException("registry entry " + me.entry() + " is no longer " + me);
            }
            return false;
        }
        if (word >>> 40 == MAX_HOLDS) {
            throw new IllegalStateException("registry entry " + me.entry() + " has " + MAX_HOLDS + " read holds");
        }
        if (!pm.compareAndSetLong(readers, word, (word + ONE_HOLD) | generation)) {
            return false;
        }
        if (pm.getLongVolatile(at + WRITER) == 0) {
            return true;
        }
        releaseHold(me);
        return false;
    }

    /**
     * Gives back one read hold and wakes waiters in any process.
     *
     * @param me the registration that has it
     * @throws IllegalMonitorStateException if it has none
     */
    public void readUnlock(Registration me) {
        releaseHold(me);
    }

    private void releaseHold(Registration me) {
        long readers = readersAt(me.entry());
        long generation = me.generation() & GENERATION_MASK;
        while (true) {
            long word = pm.getLongAcquire(readers);
            if (word == 0 || (word & GENERATION_MASK) != generation) {
                throw new IllegalMonitorStateException("the read-write lock at " + at
                        + " is not read-locked by registry entry " + me.entry());
            }
            if (pm.compareAndSetLong(readers, word, word >>> 40 == 1 ? 0 : word - ONE_HOLD)) {
                released();
                return;
            }
        }
    }

    /**
     * Takes the write lock, taking it over from a dead writer and clearing dead readers.
     *
     * @param me       the caller's registration
     * @param timeout  how long to wait for a live writer and live readers together
     * @param recovery called with a dead holder's entry and generation before its hold is taken
     * @throws LockTimeoutException  if a live holder keeps it past the timeout (nothing changed)
     * @throws IllegalStateException if {@code me} already holds it
     */
    public void writeLock(Registration me, Duration timeout, DeadProcessRecovery recovery) {
        writeLock(me, -1, timeout, recovery);
    }

    /**
     * Takes the write lock for an operation running in a lane (the writer word names it).
     *
     * @param me       the caller's registration
     * @param lane     the caller's lane, or -1
     * @param timeout  how long to wait for a live writer and live readers together
     * @param recovery called with a dead holder's entry and generation before its hold is taken
     * @throws LockTimeoutException  if a live holder keeps it past the timeout (nothing changed)
     * @throws IllegalStateException if {@code me} already holds it
     */
    public void writeLock(Registration me, int lane, Duration timeout, DeadProcessRecovery recovery) {
        long mine = LockOwner.word(me, lane);
        long deadline = System.nanoTime() + timeout.toNanos();
        acquireWriter(mine, deadline, timeout, recovery);
        try {
            awaitNoReaders(deadline, timeout, recovery);
        } catch (RuntimeException | Error e) {
            writeUnlock(me);
            throw e;
        }
    }

    private void acquireWriter(long mine, long deadline, Duration timeout, DeadProcessRecovery recovery) {
        long slice = FIRST_SLICE_NANOS;
        while (true) {
            int sequence = pm.getIntAcquire(at + SEQUENCE);
            long writer = pm.getLongAcquire(at + WRITER);
            if (writer == 0) {
                if (pm.compareAndSetLong(at + WRITER, 0, mine)) {
                    return;
                }
                continue;
            }
            if (LockOwner.sameRegistration(writer, mine)) {
                throw new IllegalStateException("the read-write lock at " + at + " is already write-locked by this registration");
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                if (replaceIfDead(writer, mine, recovery)) {
                    return;
                }
                throw timedOut(timeout, "the writer, registry entry " + LockOwner.entry(writer));
            }
            if (sleptOut(sequence, Math.min(slice, left)) && replaceIfDead(writer, mine, recovery)) {
                return;
            }
            slice = Math.min(slice * 2, LAST_SLICE_NANOS);
        }
    }

    private void awaitNoReaders(long deadline, Duration timeout, DeadProcessRecovery recovery) {
        long slice = FIRST_SLICE_NANOS;
        while (true) {
            int sequence = pm.getIntAcquire(at + SEQUENCE);
            int entry = entryWithReaders();
            if (entry < 0) {
                return;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                if (clearDeadReaders(recovery)) {
                    continue;
                }
                throw timedOut(timeout, "readers of registry entry " + entry);
            }
            if (sleptOut(sequence, Math.min(slice, left))) {
                clearDeadReaders(recovery);
            }
            slice = Math.min(slice * 2, LAST_SLICE_NANOS);
        }
    }

    /** @return the first entry whose readers word is not 0 (a volatile read each), or -1 */
    private int entryWithReaders() {
        for (int i = 0; i < registry.entries(); i++) {
            if (pm.getLongVolatile(readersAt(i)) != 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Releases the write lock and wakes waiters in any process.
     *
     * @param me the registration that holds it
     * @throws IllegalMonitorStateException if it does not
     */
    public void writeUnlock(Registration me) {
        long writer = pm.getLongAcquire(at + WRITER);
        if (!LockOwner.sameRegistration(writer, RobustMutex.ownerWord(me)) || !pm.compareAndSetLong(at + WRITER, writer, 0)) {
            throw new IllegalMonitorStateException("the read-write lock at " + at
                    + " is not write-locked by registry entry " + me.entry());
        }
        released();
    }

    /** After a state change that may let a waiter in: bump the sequence, then wake sleepers. */
    private void released() {
        pm.getAndAddInt(at + SEQUENCE, 1);
        if (pm.getIntVolatile(at + WAITERS) > 0) {
            pm.futexWake(at + SEQUENCE, Integer.MAX_VALUE);
        }
    }

    /** @return whether the sleep timed out, the time to look for a dead holder */
    private boolean sleptOut(int sequence, long nanos) {
        pm.getAndAddInt(at + WAITERS, 1);
        try {
            return pm.futexWait(at + SEQUENCE, sequence, Duration.ofNanos(nanos)) == FutexResult.TIMED_OUT;
        } finally {
            pm.getAndAddInt(at + WAITERS, -1);
        }
    }

    /** Replaces a dead writer's word by {@code replacement} (0, or the caller's word) after its recovery. */
    private boolean replaceIfDead(long writer, long replacement, DeadProcessRecovery recovery) {
        if (registry.isAlive(LockOwner.entry(writer), writer & GENERATION_MASK)) {
            return false;
        }
        if (pm.getLongAcquire(at + WRITER) != writer) {
            return false;
        }
        recovery.recover(LockOwner.entry(writer), writer & GENERATION_MASK);
        if (!pm.compareAndSetLong(at + WRITER, writer, replacement)) {
            return false;
        }
        released();
        return true;
    }

    /** @return whether a dead process's readers word was cleared */
    private boolean clearDeadReaders(DeadProcessRecovery recovery) {
        boolean cleared = false;
        for (int i = 0; i < registry.entries(); i++) {
            cleared |= clearReadersIfDead(i, recovery);
        }
        return cleared;
    }

    private boolean clearReadersIfDead(int entry, DeadProcessRecovery recovery) {
        long word = pm.getLongAcquire(readersAt(entry));
        long generation = word & GENERATION_MASK;
        if (word == 0 || registry.isAlive(entry, generation)) {
            return false;
        }
        recovery.recover(entry, generation);
        if (!pm.compareAndSetLong(readersAt(entry), word, 0)) {
            return false;
        }
        released();
        return true;
    }

    private LockTimeoutException timedOut(Duration timeout, String holder) {
        return new LockTimeoutException("read-write lock at " + at + " still held after " + timeout + " by " + holder);
    }

    /** @return the lock's offset in the pool */
    public long offset() {
        return at;
    }

    /** @return the writer word (0 when no writer) */
    public long writerAcquire() {
        return pm.getLongAcquire(at + WRITER);
    }

    /**
     * @param entry a registry entry
     * @return its readers word (0 when it has no read hold)
     */
    public long readersAcquire(int entry) {
        return pm.getLongAcquire(readersAt(entry));
    }

    private long readersAt(int entry) {
        return at + READERS + (long) Objects.checkIndex(entry, registry.entries()) * Long.BYTES;
    }
}
