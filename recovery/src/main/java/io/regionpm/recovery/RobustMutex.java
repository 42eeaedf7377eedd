package io.regionpm.recovery;

import java.time.Duration;

import io.regionpm.alloc.FutexResult;
import io.regionpm.alloc.LockTimeoutException;
import io.regionpm.alloc.PersistentMemory;

/**
 * A mutex in pool memory shared by every process that maps the pool: compare-and-set to
 * acquire, futex to wait, an owner that names a {@link ProcessRegistry} registration, so
 * that a waiter that finds the owner dead takes the lock over (after the caller's recovery
 * of the dead owner's work) instead of waiting forever.
 *
 * <pre>
 * | offset | size | field                                                         |
 * |      0 |    8 | owner: 0 free, else (entry + 1) in bits 40-63, generation in 0-39 |
 * |      8 |    4 | sequence: bumped by every release (the futex word)            |
 * |     12 |    4 | waiters: processes' threads sleeping on the sequence          |
 * </pre>
 *
 * <p>No lost wake-ups: a waiter reads the sequence before it checks the owner, and a
 * release bumps the sequence after it clears the owner, so a release between the check and
 * the sleep makes the futex wait return at once. The lock is not reentrant.
 *
 * <p>Thread- and process-safety: safe; a flyweight over 16 bytes at an 8-byte aligned
 * offset. Crash behaviour: a dead owner's lock is taken over by the next waiter that checks;
 * the protected data must be made consistent by the recovery passed to {@link #lock}.
 */
public final class RobustMutex {
    static final long OWNER = 0, SEQUENCE = 8, WAITERS = 12;
    /** Bytes of a mutex. */
    public static final int BYTES = 16;
    static final long GENERATION_MASK = (1L << 40) - 1;
    private static final long FIRST_SLICE_NANOS = 1_000_000;
    private static final long LAST_SLICE_NANOS = 100_000_000;

    private final PersistentMemory pm;
    private final long at;
    private final ProcessRegistry registry;

    /**
     * @param pm       the pool
     * @param at       the mutex's offset, 8-byte aligned
     * @param registry the registry that names owners
     */
    public RobustMutex(PersistentMemory pm, long at, ProcessRegistry registry) {
        pm.checkRange(at, BYTES);
        if ((at & 7) != 0) {
            throw new IllegalArgumentException("mutex offset must be 8-byte aligned: " + at);
        }
        this.pm = pm;
        this.at = at;
        this.registry = registry;
    }

    /**
     * The owner word of a registration.
     *
     * @param r a registration
     * @return the word stored while it holds a lock
     */
    public static long ownerWord(Registration r) {
        return (long) (r.entry() + 1) << 40 | (r.generation() & GENERATION_MASK);
    }

    /**
     * Acquires the mutex, taking it over from a dead owner.
     *
     * @param me       the caller's registration
     * @param timeout  how long to wait for a live owner
     * @param recovery called with the dead owner's entry and generation before a takeover
     * @throws LockTimeoutException if a live owner holds it past the timeout
     */
    public void lock(Registration me, Duration timeout, DeadProcessRecovery recovery) {
        long mine = ownerWord(me);
        long deadline = System.nanoTime() + timeout.toNanos();
        long slice = FIRST_SLICE_NANOS;
        while (true) {
            int sequence = pm.getIntAcquire(at + SEQUENCE);
            long owner = pm.getLongAcquire(at + OWNER);
            if (owner == 0) {
                if (pm.compareAndSetLong(at + OWNER, 0, mine)) {
                    return;
                }
                continue;
            }
            if (owner == mine) {
                throw new IllegalStateException("the mutex at " + at + " is already held by this registration");
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                if (takeOverIfDead(owner, mine, recovery)) {
                    return;
                }
                throw new LockTimeoutException("mutex at " + at + " still held after " + timeout + " by registry entry "
                        + entryOf(owner));
            }
            if (sleep(sequence, Math.min(slice, left)) == FutexResult.TIMED_OUT
                    && takeOverIfDead(owner, mine, recovery)) {
                return;
            }
            slice = Math.min(slice * 2, LAST_SLICE_NANOS);
        }
    }

    private FutexResult sleep(int sequence, long nanos) {
        pm.getAndAddInt(at + WAITERS, 1);
        try {
            return pm.futexWait(at + SEQUENCE, sequence, Duration.ofNanos(nanos));
        } finally {
            pm.getAndAddInt(at + WAITERS, -1);
        }
    }

    private boolean takeOverIfDead(long owner, long mine, DeadProcessRecovery recovery) {
        if (registry.isAlive(entryOf(owner), owner & GENERATION_MASK)) {
            return false;
        }
        if (pm.getLongAcquire(at + OWNER) != owner) {
            return false;
        }
        recovery.recover(entryOf(owner), owner & GENERATION_MASK);
        return pm.compareAndSetLong(at + OWNER, owner, mine);
    }

    /**
     * Releases the mutex and wakes one waiter in any process.
     *
     * @param me the registration that holds it
     * @throws IllegalMonitorStateException if it does not
     */
    public void unlock(Registration me) {
        if (!pm.compareAndSetLong(at + OWNER, ownerWord(me), 0)) {
            throw new IllegalMonitorStateException("the mutex at " + at + " is not held by registry entry " + me.entry());
        }
        pm.getAndAddInt(at + SEQUENCE, 1);
        if (pm.getIntAcquire(at + WAITERS) > 0) {
            pm.futexWake(at + SEQUENCE, 1);
        }
    }

    /** @return the current owner word (0 when free) */
    public long ownerAcquire() {
        return pm.getLongAcquire(at + OWNER);
    }

    static int entryOf(long owner) {
        return (int) (owner >>> 40) - 1;
    }
}
