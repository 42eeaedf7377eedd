package io.regionpm.tree.internal.bplus;

import java.lang.invoke.VarHandle;

import io.regionpm.alloc.PersistentMemory;

/**
 * A tree's version word (a seqlock): even while the tree is stable, odd while a writer's
 * transaction changes published nodes in place or publishes its redo writes. Writers make it
 * odd before their first in-place write and when they start to commit, and even once their
 * transaction has ended; optimistic readers read it before and after and retry on a change.
 * A version that stays odd for {@link #STALE_ODD_NANOS} belongs to a dead writer: the reader
 * then takes the tree's lock, which recovers the writer's lane first.
 *
 * <p>Thread-safety: safe; process-safety: the word is in the pool, shared by every process.
 */
final class VersionWord {
    static final long STALE_ODD_NANOS = 2_000_000;
    private static final int SPINS = 200;
    private final PersistentMemory pm;
    private final long at;

    VersionWord(PersistentMemory pm, long at) {
        this.pm = pm;
        this.at = at;
    }

    /** @return an even version read with acquire ordering, or -1 if it stayed odd too long */
    long stable() {
        long v = pm.getLongAcquire(at);
        if ((v & 1) == 0) {
            return v;
        }
        long deadline = 0;
        for (int spin = 0; ; spin++) {
            if (spin < SPINS) {
                Thread.onSpinWait();
            } else {
                long now = System.nanoTime();
                if (deadline == 0) {
                    deadline = now + STALE_ODD_NANOS;
                } else if (now > deadline) {
                    return -1;
                }
                Thread.yield();
            }
            v = pm.getLongAcquire(at);
            if ((v & 1) == 0) {
                return v;
            }
        }
    }

    /**
     * For a SHADOW reader's first, optimistic try: the version if it is even, without waiting.
     * A SHADOW tree's nodes are retired only by its own commits, each of which makes the
     * version odd before it publishes and even after; a block is freed only after its retiring
     * commit. So a read that finds the version unchanged after it read nothing that was
     * retired, let alone freed and reused, and needs no reader epoch.
     *
     * @return the version if even, else -1 (a writer is committing: take a reader epoch)
     */
    long evenOrNegative() {
        long v = pm.getLongAcquire(at);
        return (v & 1) == 0 ? v : -1;
    }

    /** @param v1 what {@link #stable()} returned @return whether nothing changed since */
    boolean unchanged(long v1) {
        VarHandle.acquireFence();
        return pm.getLongAcquire(at) == v1;
    }

    /** Makes the version odd (idempotent), then a full fence. */
    void makeOdd() {
        long v = pm.getLongAcquire(at);
        if ((v & 1) == 0) {
            pm.setLongVolatile(at, v + 1);
        }
        VarHandle.fullFence();
    }

    /** Makes the version even (idempotent), with release ordering. */
    void makeEven() {
        long v = pm.getLongAcquire(at);
        if ((v & 1) != 0) {
            pm.setLongRelease(at, v + 1);
        }
    }
}
