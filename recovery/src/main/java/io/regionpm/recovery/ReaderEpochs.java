package io.regionpm.recovery;

import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLongArray;

import io.regionpm.alloc.PersistentMemory;

/**
 * Reader epochs for shadow (copy-on-write) structures, in the manner of LMDB's reader
 * table: a block that a writer unlinks is freed only when no live reader in any process can
 * still reach it. One global epoch word, and in each process's {@link ProcessRegistry}
 * entry two reader slots shared by the process's threads:
 *
 * <pre>
 * global epoch (8 bytes at the offset given to the constructor):
 * | bits  | field                                                  |
 * |  0-63 | current epoch; 0 (a fresh pool) is taken as 1         |
 *
 * reader slot (registry entry bytes 24-31 and 32-39):
 * | bits  | field                                                  |
 * |  0-19 | active readers of this process in the slot (0: free)   |
 * | 20-63 | their epoch, the low 44 bits of the global epoch       |
 * </pre>
 *
 * <p>Reader: {@link #enter} reads the global epoch E and, by compare-and-set, joins the slot
 * whose epoch is E, else takes a free slot (epoch E, one reader), else joins the busy slot
 * with the newer epoch; then a full fence, and only then may the caller read a root. A
 * reader may so be counted under an epoch older than E (which only keeps blocks longer) or
 * newer (it then comes after that epoch's advance, see below). As long as both
 * slots stay busy, the slot with the older epoch gets no new readers and drains; once free
 * it is taken at the current epoch: continuous overlapping readers never hold an old epoch
 * forever.
 *
 * <p>Writer: publish the new root, then {@link #retireEpoch}: a full fence, then the
 * global epoch is read and advanced atomically; the value read tags the blocks unlinked by
 * that publication. A block with tag T may be freed once {@link #isReclaimable}(T): no live
 * process has a busy slot with epoch &lt;= T. Why this is safe: a reader counted under an
 * epoch &gt; T comes after the advance past T, hence after the publication (the advance
 * happens-before its slot was set), and sees the new root. A reader counted under an epoch
 * &lt;= T stored its slot and then fenced before reading the root, while the writer
 * published, fenced and then scans: if the reader read the old root, the scan sees its slot.
 *
 * <p>Dead processes: a busy slot of a registry entry whose owner is dead (or that is free)
 * is ignored, and cleared by compare-and-set when its epoch is older than the global epoch
 * read at the start of the scan. That condition makes the clearing immune to reuse of the
 * entry: a reader of a new owner that stored the very same slot word must have read the
 * global epoch before the scan did (after, it would have read a newer epoch), so the new
 * owner had registered before, and the scan, reading the token after the slot, finds it
 * alive.
 *
 * <p>Epochs in slots are 44 bits and compared in serial-number arithmetic around the global
 * epoch, so they wrap without harm provided no read lasts, and no tag waits to be checked,
 * for 2^43 epochs. Neither the epoch word nor the slots are persisted: after a power loss
 * every registry entry is dead and their slots mean nothing.
 *
 * <p>Thread-safety: safe; any number of threads of a process enter and exit under one
 * registration at once (they share its two slot words, at most 2^20 - 1 readers each).
 * Process-safety: safe for any number of processes mapping the pool. Crash behaviour: the
 * slots of a killed process are ignored at once and cleared by the next scan that needs
 * them; a crash never blocks reclamation. Checking another JVM's liveness reads
 * {@code /proc} (tens of microseconds), so free in batches: one {@link #oldestActiveEpoch}
 * for all tags.
 */
public final class ReaderEpochs {
    /** Bytes of the global epoch word. */
    public static final int BYTES = 8;
    private static final int COUNT_BITS = 20;
    private static final long MAX_READERS = (1L << COUNT_BITS) - 1;
    private static final int EPOCH_BITS = Long.SIZE - COUNT_BITS;
    private static final long EPOCH_MASK = (1L << EPOCH_BITS) - 1;

    /** How long a process found alive is taken as alive without reading {@code /proc} again. */
    static final long ALIVE_CACHE_NANOS = 20_000_000;

    private final PersistentMemory pm;
    private final long epochAt;
    private final ProcessRegistry registry;
    /** Per registry entry: the owner token last found alive, and until when that holds. */
    private final AtomicLongArray aliveOwner;
    private final AtomicLongArray aliveUntil;

    /**
     * @param pm       the pool
     * @param epochAt  offset of the global epoch word, 8-byte aligned
     * @param registry the registry whose entries hold the reader slots
     */
    public ReaderEpochs(PersistentMemory pm, long epochAt, ProcessRegistry registry) {
        pm.checkRange(epochAt, BYTES);
        if ((epochAt & 7) != 0) {
            throw new IllegalArgumentException("epoch word offset must be 8-byte aligned: " + epochAt);
        }
        this.pm = pm;
        this.epochAt = epochAt;
        this.registry = registry;
        this.aliveOwner = new AtomicLongArray(registry.entries());
        this.aliveUntil = new AtomicLongArray(registry.entries());
    }

    /**
     * Starts a read: from its return until {@link ReadGuard#close}, nothing retired after the
     * caller's next read of a root is freed.
     *
     * @param me this process's registration (a live one)
     * @return the guard that ends the read
     * @throws IllegalStateException if both slots already count 2^20 - 1 readers
     */
    public ReadGuard enter(Registration me) {
        long at0 = registry.readerSlotAt(me.entry(), 0);
        long at1 = registry.readerSlotAt(me.entry(), 1);
        while (true) {
            long epoch = currentEpoch();
            long word0 = pm.getLongVolatile(at0);
            long word1 = pm.getLongVolatile(at1);
            int slot = choose(word0, word1, epoch & EPOCH_MASK);
            if (slot < 0) {
                throw new IllegalStateException("registry entry " + me.entry() + " already counts "
                        + 2 * MAX_READERS + " readers");
            }
            long at = slot == 0 ? at0 : at1;
            long word = slot == 0 ? word0 : word1;
            long joined = readers(word) == 0 ? (epoch & EPOCH_MASK) << COUNT_BITS | 1 : word + 1;
            if (pm.compareAndSetLong(at, word, joined)) {
                VarHandle.fullFence(); // the slot store before the caller's read of a root
                return new ReadGuard(at, fullEpoch(joined, epoch));
            }
        }
    }

    /**
     * Which slot a reader at {@code epoch} joins: the busy one at that epoch, else a free
     * one, else the busy one with the newer epoch (or, if that one is full, the other).
     *
     * @return 0 or 1, or -1 if both are full
     */
    private static int choose(long word0, long word1, long epoch) {
        boolean room0 = readers(word0) < MAX_READERS;
        boolean room1 = readers(word1) < MAX_READERS;
        if (readers(word0) > 0 && epochBits(word0) == epoch && room0) {
            return 0;
        }
        if (readers(word1) > 0 && epochBits(word1) == epoch && room1) {
            return 1;
        }
        if (readers(word0) == 0) {
            return 0;
        }
        if (readers(word1) == 0) {
            return 1;
        }
        int newer = serial(epochBits(word1) - epochBits(word0)) > 0 ? 1 : 0;
        boolean roomInNewer = newer == 0 ? room0 : room1;
        boolean roomInOlder = newer == 0 ? room1 : room0;
        return roomInNewer ? newer : roomInOlder ? 1 - newer : -1;
    }

    private void exit(long at) {
        while (true) {
            long word = pm.getLongVolatile(at);
            if (readers(word) == 0) {
                throw new IllegalStateException("reader slot at " + at + " was cleared during a read: the registration was"
                        + " deregistered or found dead while reading");
            }
            if (pm.compareAndSetLong(at, word, word - 1)) {
                return;
            }
        }
    }

    /**
     * For a writer, after it has published a new root: the tag of the blocks that publication
     * unlinked, and the global epoch advances past it.
     *
     * @return the tag to pass to {@link #isReclaimable}
     */
    public long retireEpoch() {
        VarHandle.fullFence(); // the caller's root store before the epoch's read and advance
        currentEpoch();
        long tag = pm.getAndAddLong(epochAt, 1);
        pm.flush(epochAt, Long.BYTES); // so that the epoch does not go back after a power loss (the caller drains)
        return tag;
    }

    /**
     * @param tag what {@link #retireEpoch} returned
     * @return true once no live reader in any process can reach a block retired with it
     */
    public boolean isReclaimable(long tag) {
        return oldestAtMost(tag) == Long.MAX_VALUE;
    }

    /**
     * @return the oldest epoch a live reader is counted under ({@link Long#MAX_VALUE} if
     *         none): every tag below it is reclaimable
     */
    public long oldestActiveEpoch() {
        return oldestAtMost(Long.MAX_VALUE);
    }

    /** @return the global epoch now (for diagnostics: readers entering now get it) */
    public long currentEpoch() {
        long epoch = pm.getLongVolatile(epochAt);
        if (epoch == 0) {
            pm.compareAndSetLong(epochAt, 0, 1);
            epoch = pm.getLongVolatile(epochAt);
        }
        return epoch;
    }

    /**
     * The oldest epoch &lt;= bound of a live process's busy slot, clearing dead processes'
     * slots on the way (see the class comment for why the clearing is safe).
     */
    private long oldestAtMost(long bound) {
        long global = currentEpoch();
        long oldest = Long.MAX_VALUE;
        for (int entry = 0; entry < registry.entries(); entry++) {
            for (int slot = 0; slot < ProcessRegistry.READER_SLOT_COUNT; slot++) {
                long at = registry.readerSlotAt(entry, slot);
                long word = pm.getLongVolatile(at);
                long epoch = fullEpoch(word, global);
                if (readers(word) == 0 || epoch > bound || epoch >= oldest) {
                    continue;
                }
                if (!ownerIsDead(entry)) {
                    oldest = epoch;
                } else if (epoch < global) {
                    pm.compareAndSetLong(at, word, 0);
                }
            }
        }
        return oldest;
    }

    /**
     * Whether the entry's owner is dead; a foreign process found alive is taken as alive for
     * {@link #ALIVE_CACHE_NANOS} (a reader slot of a process that died meanwhile only keeps
     * its blocks a little longer), so that a commit does not read {@code /proc} for every
     * busy slot.
     */
    private boolean ownerIsDead(int entry) {
        long owner = registry.ownerToken(entry);
        long now = System.nanoTime();
        if (owner != 0 && aliveOwner.get(entry) == owner && now - aliveUntil.get(entry) < 0) {
            return false;
        }
        boolean dead = registry.ownerIsDead(entry, owner);
        if (!dead) {
            aliveUntil.set(entry, now + ALIVE_CACHE_NANOS);
            aliveOwner.set(entry, owner);
        }
        return dead;
    }

    private static long readers(long word) {
        return word & MAX_READERS;
    }

    private static long epochBits(long word) {
        return word >>> COUNT_BITS;
    }

    /** @return a 44-bit difference as a signed number */
    private static long serial(long difference) {
        return difference << COUNT_BITS >> COUNT_BITS;
    }

    /** @return the slot's epoch in full, taken as the one nearest to {@code global} */
    private static long fullEpoch(long word, long global) {
        return global + serial(epochBits(word) - (global & EPOCH_MASK));
    }

    /**
     * A guard that tracks nothing (for read-only runtimes, which write no reader slot): it
     * keeps no block from being freed, and closing it does nothing.
     *
     * @return a closed guard whose epoch is the global epoch now
     */
    public ReadGuard untracked() {
        ReadGuard guard = new ReadGuard(-1, pm.getLongAcquire(epochAt));
        guard.open = false;
        return guard;
    }

    /**
     * One read in progress; {@link #close} ends it. For the thread that entered; closing
     * twice is harmless.
     */
    public final class ReadGuard implements AutoCloseable {
        private final long slotAt;
        private final long epoch;
        private boolean open = true;

        private ReadGuard(long slotAt, long epoch) {
            this.slotAt = slotAt;
            this.epoch = epoch;
        }

        /** @return the epoch this read is counted under */
        public long epoch() {
            return epoch;
        }

        /** Ends the read. */
        @Override
        public void close() {
            if (open) {
                open = false;
                exit(slotAt);
            }
        }
    }
}
