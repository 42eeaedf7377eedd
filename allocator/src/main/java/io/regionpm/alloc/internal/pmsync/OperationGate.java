package io.regionpm.alloc.internal.pmsync;

import java.time.Duration;

import io.regionpm.alloc.FutexResult;
import io.regionpm.alloc.LockTimeoutException;
import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.ProcessToken;

import static io.regionpm.alloc.internal.pmsync.ControlFile.EXIT_SEQUENCE;
import static io.regionpm.alloc.internal.pmsync.ControlFile.MUTEX_OWNER;
import static io.regionpm.alloc.internal.pmsync.ControlFile.QUIESCE;

/**
 * The quiesce barrier: operations bracket themselves with enter and exit, and a pmsync
 * waits until none is inside before it copies pages, so that it copies one point in time.
 *
 * <p>An operation in a lane stores its process token in the lane's active word; one outside
 * lanes counts itself in its process entry. Either then reads the quiesce word: if it is odd
 * (a pmsync is quiescing) it takes itself back, signals, and sleeps until the word changes.
 * Pmsync makes the word odd, then reads every active word and count. Both sides use
 * sequentially consistent accesses, so either the operation sees the odd word or pmsync
 * sees the operation (Dekker). Exit clears the word and, only while quiescing, bumps the
 * exit sequence and wakes the pmsync, which read the sequence before it scanned.
 *
 * <p>Dead processes: pmsync ignores (and clears) active words and entries whose token names a
 * dead process; an operation waiting on a quiesce whose pmsync holder died ends the quiesce
 * itself. Lanes are nested by the caller ({@code PmsyncStore}), not here.
 *
 * <p>Thread- and process-safety: enter and exit from any thread, for a lane (or entry) the
 * caller holds; the quiesce side only by the pmsync mutex holder.
 */
public final class OperationGate {
    private static final long FIRST_SLICE_NANOS = 1_000_000;
    private static final long LAST_SLICE_NANOS = 100_000_000;

    private final PersistentMemory c;
    private final ControlLayout layout;
    private final long token;

    /**
     * @param control the control file
     * @param token   this process's token
     */
    public OperationGate(ControlFile control, long token) {
        this.c = control.memory();
        this.layout = control.layout();
        this.token = token;
    }

    /** @param lane a lane the caller holds; waits while a pmsync quiesces */
    public void enterLane(int lane) {
        long at = layout.laneWord(lane);
        while (true) {
            c.setLongVolatile(at, token);
            int q = c.getIntVolatile(QUIESCE);
            if ((q & 1) == 0) {
                return;
            }
            c.setLongVolatile(at, 0);
            signalExit();
            awaitQuiesceEnd(q);
        }
    }

    /**
     * Marks a lane busy without waiting: the calling thread is already inside another
     * operation, which keeps any pmsync from copying until it exits.
     *
     * @param lane a lane the caller holds
     */
    public void joinLane(int lane) {
        c.setLongVolatile(layout.laneWord(lane), token);
    }

    /** @param lane the lane entered */
    public void exitLane(int lane) {
        c.setLongVolatile(layout.laneWord(lane), 0);
        if ((c.getIntVolatile(QUIESCE) & 1) != 0) {
            signalExit();
        }
    }

    /** @param entry this store's process entry; waits while a pmsync quiesces */
    public void enterEntry(int entry) {
        long at = layout.entryCount(entry);
        while (true) {
            c.getAndAddInt(at, 1);
            int q = c.getIntVolatile(QUIESCE);
            if ((q & 1) == 0) {
                return;
            }
            c.getAndAddInt(at, -1);
            signalExit();
            awaitQuiesceEnd(q);
        }
    }

    /** @param entry this store's process entry; counted without waiting (see {@link #joinLane}) */
    public void joinEntry(int entry) {
        c.getAndAddInt(layout.entryCount(entry), 1);
    }

    /** @param entry this store's process entry */
    public void exitEntry(int entry) {
        c.getAndAddInt(layout.entryCount(entry), -1);
        if ((c.getIntVolatile(QUIESCE) & 1) != 0) {
            signalExit();
        }
    }

    private void signalExit() {
        c.getAndAddInt(EXIT_SEQUENCE, 1);
        c.futexWake(EXIT_SEQUENCE, Integer.MAX_VALUE);
    }

    private void awaitQuiesceEnd(int q) {
        long slice = FIRST_SLICE_NANOS;
        while (c.getIntVolatile(QUIESCE) == q) {
            if (c.futexWait(QUIESCE, q, Duration.ofNanos(slice)) == FutexResult.TIMED_OUT) {
                endIfHolderDead(q);
            }
            slice = Math.min(slice * 2, LAST_SLICE_NANOS);
        }
    }

    /**
     * Ends quiesce {@code q} if the pmsync mutex holder that began it is dead. A live holder
     * that took the mutex over has begun a different (odd) value, which this leaves alone.
     *
     * @param q an odd quiesce value seen
     */
    public void endIfHolderDead(int q) {
        long owner = c.getLongVolatile(MUTEX_OWNER);
        if ((owner == 0 || !ProcessToken.isProcessAlive(owner)) && c.compareAndSetInt(QUIESCE, q, q + 1)) {
            c.futexWake(QUIESCE, Integer.MAX_VALUE);
        }
    }

    /** @return whether a pmsync is quiescing now */
    public boolean quiescing() {
        return (c.getIntVolatile(QUIESCE) & 1) != 0;
    }

    /** @return a fresh odd quiesce value, now stored: new operations wait from here on */
    public int beginQuiesce() {
        while (true) {
            int v = c.getIntVolatile(QUIESCE);
            int next = v + ((v & 1) == 0 ? 1 : 2);
            if (c.compareAndSetInt(QUIESCE, v, next)) {
                return next;
            }
        }
    }

    /**
     * Ends the quiesce and wakes every waiting operation; a second call does nothing.
     *
     * @param q the value {@link #beginQuiesce} returned
     */
    public void endQuiesce(int q) {
        if (c.compareAndSetInt(QUIESCE, q, q + 1)) {
            c.futexWake(QUIESCE, Integer.MAX_VALUE);
        }
    }

    /**
     * Waits until no live process has an operation inside.
     *
     * @param deadline {@link System#nanoTime()} at which to give up
     * @param timeout  the timeout, for the message
     * @return nanoseconds waited
     * @throws LockTimeoutException if an operation of a live process is still inside then
     */
    public long awaitQuiescent(long deadline, Duration timeout) {
        long start = System.nanoTime();
        long slice = FIRST_SLICE_NANOS;
        while (true) {
            int sequence = c.getIntVolatile(EXIT_SEQUENCE);
            int busy = firstBusy();
            if (busy < 0) {
                return System.nanoTime() - start;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                clearDead();
                if (firstBusy() < 0) {
                    continue;
                }
                throw new LockTimeoutException("pmsync waited " + timeout + " for " + describe(busy) + " to end");
            }
            if (c.futexWait(EXIT_SEQUENCE, sequence, Duration.ofNanos(Math.min(slice, left))) == FutexResult.TIMED_OUT) {
                clearDead();
            }
            slice = Math.min(slice * 2, LAST_SLICE_NANOS);
        }
    }

    /** @return the first busy lane, or lanes + entry for a busy process entry, or -1 */
    private int firstBusy() {
        for (int lane = 0; lane < layout.lanes(); lane++) {
            if (c.getLongVolatile(layout.laneWord(lane)) != 0) {
                return lane;
            }
        }
        for (int e = 0; e < layout.entries(); e++) {
            if (c.getLongVolatile(layout.entryToken(e)) != 0 && c.getIntVolatile(layout.entryCount(e)) != 0) {
                return layout.lanes() + e;
            }
        }
        return -1;
    }

    /** Clears the active words of dead processes and detaches their entries. */
    public void clearDead() {
        for (int lane = 0; lane < layout.lanes(); lane++) {
            clearIfDead(layout.laneWord(lane));
        }
        for (int e = 0; e < layout.entries(); e++) {
            clearIfDead(layout.entryToken(e));
        }
    }

    private void clearIfDead(long at) {
        long owner = c.getLongVolatile(at);
        if (owner != 0 && !ProcessToken.isProcessAlive(owner)) {
            c.compareAndSetLong(at, owner, 0);
        }
    }

    private String describe(int busy) {
        if (busy < layout.lanes()) {
            return "the operation in lane " + busy + " (process " + ProcessToken.pid(c.getLongVolatile(
                    layout.laneWord(busy))) + ")";
        }
        int e = busy - layout.lanes();
        return "an operation outside lanes of process " + ProcessToken.pid(c.getLongVolatile(layout.entryToken(e)));
    }
}
