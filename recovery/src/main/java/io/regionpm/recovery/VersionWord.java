package io.regionpm.recovery;

import java.lang.invoke.VarHandle;

import io.regionpm.alloc.PersistentMemory;

/**
 * A structure's version word (a seqlock in the pool): even while the structure (a tree, a
 * hash map's stripe) is stable, odd while a writer's transaction changes published data in
 * place or publishes its redo writes. Writers make it
 * odd before their first in-place write and when they start to commit, and even once their
 * transaction has ended; optimistic readers read it before and after and retry on a change.
 * A version that stays odd for {@link #STALE_ODD_NANOS} belongs to a dead writer: the reader
 * then takes the structure's lock, which recovers the writer's lane first.
 *
 * <p>Thread-safety: safe; process-safety: the word is in the pool, shared by every process.
 */
public final class VersionWord {
    /** How long a version may stay odd before its writer is taken for dead. */
    public static final long STALE_ODD_NANOS = 2_000_000;
    private static final int SPINS = 200;
    private final PersistentMemory pm;
    private final long at;

    /**
     * @param pm the pool
     * @param at the word's offset (8-byte aligned)
     */
    public VersionWord(PersistentMemory pm, long at) {
        this.pm = pm;
        this.at = at;
    }

    /** @return an even version read with acquire ordering, or -1 if it stayed odd too long */
    public long stable() {
        return stable(pm, at);
    }

    /**
     * {@link #stable()} of the word at {@code at}, for hot paths that keep the offset rather
     * than a flyweight (no object to load on the way).
     *
     * @param pm the pool
     * @param at the word's offset
     * @return an even version read with acquire ordering, or -1 if it stayed odd too long
     */
    public static long stable(PersistentMemory pm, long at) {
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
     * A SHADOW structure's blocks are retired only by its own commits, each of which makes the
     * version odd before it publishes and even after; a block is freed only after its retiring
     * commit. So a read that finds the version unchanged after it read nothing that was
     * retired, let alone freed and reused, and needs no reader epoch.
     *
     * @return the version if even, else -1 (a writer is committing: take a reader epoch)
     */
    public long evenOrNegative() {
        long v = pm.getLongAcquire(at);
        return (v & 1) == 0 ? v : -1;
    }

    /** @param v1 what {@link #stable()} returned @return whether nothing changed since */
    public boolean unchanged(long v1) {
        return unchanged(pm, at, v1);
    }

    /**
     * @param pm the pool
     * @param at the word's offset
     * @param v1 what {@link #stable(PersistentMemory, long)} returned
     * @return whether nothing changed since
     */
    public static boolean unchanged(PersistentMemory pm, long at, long v1) {
        VarHandle.acquireFence();
        return pm.getLongAcquire(at) == v1;
    }

    /** Makes the version odd (idempotent), then a full fence. */
    public void makeOdd() {
        long v = pm.getLongAcquire(at);
        if ((v & 1) == 0) {
            pm.setLongVolatile(at, v + 1);
        }
        VarHandle.fullFence();
    }

    /** Makes the version even (idempotent), with release ordering. */
    public void makeEven() {
        long v = pm.getLongAcquire(at);
        if ((v & 1) != 0) {
            pm.setLongRelease(at, v + 1);
        }
    }
}
