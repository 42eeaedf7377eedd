package io.regionpm.alloc.internal.pmsync;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import io.regionpm.alloc.FutexResult;
import io.regionpm.alloc.LockTimeoutException;
import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.ProcessToken;

import static io.regionpm.alloc.internal.pmsync.ControlFile.MUTEX_OWNER;
import static io.regionpm.alloc.internal.pmsync.ControlFile.MUTEX_SEQUENCE;
import static io.regionpm.alloc.internal.pmsync.ControlFile.MUTEX_WAITERS;

/**
 * The pmsync mutex in the control file: it serialises pmsyncs and the building of the
 * working image, across processes. The owner word holds the holder's {@link ProcessToken};
 * a waiter whose sleep slice times out checks the holder and, if that process is dead, takes
 * the mutex over by compare-and-set (the dead holder's pmsync is repaired by the new
 * holder: its journal is resolved and its in-flight pages are written again). Release bumps
 * the sequence word before waking, so a release between a waiter's check and its sleep
 * makes the sleep return at once.
 *
 * <p>The threads of one process share the token: the mutex is not reentrant, and a thread
 * of the holding process waits like any other.
 */
public final class PmsyncMutex {
    private static final long FIRST_SLICE_NANOS = 1_000_000;
    private static final long LAST_SLICE_NANOS = 100_000_000;

    private final PersistentMemory c;
    private final long token;

    /**
     * @param control the control file
     * @param token   this process's token
     */
    public PmsyncMutex(ControlFile control, long token) {
        this.c = control.memory();
        this.token = token;
    }

    /**
     * Acquires the mutex, unless {@code done} becomes true first (checked while waiting).
     *
     * @param deadline {@link System#nanoTime()} at which to give up
     * @param timeout  the timeout, for the message
     * @param done     whether the caller no longer needs the mutex
     * @return true if acquired, false if {@code done} turned true
     * @throws LockTimeoutException if a live holder keeps it past the deadline
     */
    public boolean acquire(long deadline, Duration timeout, BooleanSupplier done) {
        long slice = FIRST_SLICE_NANOS;
        while (true) {
            int sequence = c.getIntVolatile(MUTEX_SEQUENCE);
            long owner = c.getLongVolatile(MUTEX_OWNER);
            if (done.getAsBoolean()) {
                return false;
            }
            if (owner == 0) {
                if (c.compareAndSetLong(MUTEX_OWNER, 0, token)) {
                    return true;
                }
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                if (takeOverIfDead(owner)) {
                    return true;
                }
                throw new LockTimeoutException("the pmsync mutex is still held after " + timeout + " by process "
                        + ProcessToken.pid(owner));
            }
            if (sleep(sequence, Math.min(slice, left)) == FutexResult.TIMED_OUT && takeOverIfDead(owner)) {
                return true;
            }
            slice = Math.min(slice * 2, LAST_SLICE_NANOS);
        }
    }

    private FutexResult sleep(int sequence, long nanos) {
        c.getAndAddInt(MUTEX_WAITERS, 1);
        try {
            return c.futexWait(MUTEX_SEQUENCE, sequence, Duration.ofNanos(nanos));
        } finally {
            c.getAndAddInt(MUTEX_WAITERS, -1);
        }
    }

    private boolean takeOverIfDead(long owner) {
        return !ProcessToken.isProcessAlive(owner) && c.compareAndSetLong(MUTEX_OWNER, owner, token);
    }

    /** Releases the mutex and wakes every waiter. @throws IllegalMonitorStateException if not held */
    public void release() {
        if (!c.compareAndSetLong(MUTEX_OWNER, token, 0)) {
            throw new IllegalMonitorStateException("the pmsync mutex is held by process "
                    + ProcessToken.pid(c.getLongVolatile(MUTEX_OWNER)) + ", not by this one");
        }
        c.getAndAddInt(MUTEX_SEQUENCE, 1);
        if (c.getIntVolatile(MUTEX_WAITERS) > 0) {
            c.futexWake(MUTEX_SEQUENCE, Integer.MAX_VALUE);
        }
    }
}
