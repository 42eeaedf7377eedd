package io.regionpm.recovery;

import org.eclipse.collections.api.list.primitive.IntList;
import org.eclipse.collections.api.list.primitive.MutableIntList;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;

import io.regionpm.alloc.LocalClaims;
import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.alloc.PoolException;
import io.regionpm.alloc.ProcessToken;

/**
 * The process registry: one 64-byte entry per process that has the pool open. A JVM
 * registers on open and deregisters on close; an entry whose process is gone (pid no longer
 * running, a zombie, or the pid reused by a process with another start time) is dead, and
 * whoever finds it first claims it, recovers what the dead process left (through the
 * caller's {@link DeadProcessRecovery}) and reuses it.
 *
 * <pre>
 * | offset | size | field                                                      |
 * |      0 |    8 | owner token (pid + start time, {@link ProcessToken}; 0: free) |
 * |      8 |    8 | generation: bumped each time the entry is taken              |
 * |     16 |    8 | open epoch: the pool-wide open count when it was taken       |
 * |     24 |    8 | reader slot 0: epoch (bits 20-63) and active readers (0-19) |
 * |     32 |    8 | reader slot 1: the same ({@link ReaderEpochs})              |
 * |     40 |   24 | reserved, zero                                             |
 * </pre>
 *
 * <p>An owner recorded elsewhere (a lock, a lane) as (entry, generation) is alive exactly
 * while the entry still has that generation and its token names a live process, so a
 * reused entry is never taken for the old owner.
 *
 * <p>Thread- and process-safety: every change is a compare-and-set; entries are claimed by
 * one process at a time. Crash behaviour: an entry claimed but not yet recovered when its
 * claimer dies is itself dead and is claimed again; recovery must be idempotent.
 */
public final class ProcessRegistry {
    /** Bytes of one entry. */
    public static final int ENTRY_BYTES = 64;
    /** The table number of registry entries in {@link LocalClaims}. */
    public static final int LOCAL_TABLE = 2;
    static final long TOKEN = 0, GENERATION = 8, OPEN_EPOCH = 16, READER_SLOTS = 24;
    /** Reader slots per entry, 8 bytes each from {@link #READER_SLOTS}. */
    static final int READER_SLOT_COUNT = 2;

    private final PersistentMemory pm;
    private final long base;
    private final int entries;
    private final Object storage;

    /**
     * @param pm      the pool
     * @param base    first byte of the registry region, 64-byte aligned
     * @param entries number of entries
     */
    public ProcessRegistry(PersistentMemory pm, long base, int entries) {
        if ((base & 63) != 0 || entries < 1) {
            throw new IllegalArgumentException("registry at " + base + " with " + entries + " entries");
        }
        pm.checkRange(base, (long) entries * ENTRY_BYTES);
        this.pm = pm;
        this.base = base;
        this.entries = entries;
        this.storage = LocalClaims.storageKey(pm);
    }

    /** @return the number of entries */
    public int entries() {
        return entries;
    }

    /**
     * Registers this process in a free entry, or in a dead one after recovering it.
     *
     * @param openEpoch the pool's open count, recorded in the entry
     * @param recovery  what to do for a dead entry before it is reused
     * @return the registration
     * @throws PoolException if every entry belongs to a live process
     */
    public Registration register(long openEpoch, DeadProcessRecovery recovery) {
        long token = ProcessToken.current();
        for (int i = 0; i < entries; i++) {
            long at = entry(i);
            long owner = pm.getLongAcquire(at + TOKEN);
            if ((owner == 0 || isDead(i, owner)) && LocalClaims.hold(storage, LOCAL_TABLE, i)) {
                if (owner == token || pm.compareAndSetLong(at + TOKEN, owner, token)) {
                    if (owner != 0) {
                        recovery.recover(i, pm.getLongAcquire(at + GENERATION));
                    }
                    return take(i, openEpoch);
                }
                LocalClaims.release(storage, LOCAL_TABLE, i);
            }
        }
        throw new PoolException("process registry full: all " + entries + " entries belong to live processes");
    }

    private Registration take(int i, long openEpoch) {
        long at = entry(i);
        long generation = pm.getLongAcquire(at + GENERATION) + 1;
        pm.setLongRelease(at + GENERATION, generation);
        pm.setLong(at + OPEN_EPOCH, openEpoch);
        clearReaderSlots(i);
        pm.persist(at, ENTRY_BYTES);
        return new Registration(i, generation);
    }

    private void clearReaderSlots(int entry) {
        for (int slot = 0; slot < READER_SLOT_COUNT; slot++) {
            pm.setLongRelease(readerSlotAt(entry, slot), 0);
        }
    }

    /**
     * Removes a registration (on close). Its reader slots are cleared too, so reads of this
     * registration must be over. An entry that has been taken by another registration since
     * (this one having been found dead) is left alone.
     *
     * @param registration what {@link #register} returned
     */
    public void deregister(Registration registration) {
        long at = entry(registration.entry());
        if (pm.getLongAcquire(at + GENERATION) == registration.generation()) {
            clearReaderSlots(registration.entry());
            pm.compareAndSetLong(at + TOKEN, ProcessToken.current(), 0);
        }
        pm.persist(at, ENTRY_BYTES);
        LocalClaims.release(storage, LOCAL_TABLE, registration.entry());
    }

    /**
     * Whether the owner recorded as (entry, generation) is still alive.
     *
     * @param entry      registry entry
     * @param generation its generation when the owner was recorded
     * @return true while that registration lasts
     */
    public boolean isAlive(int entry, long generation) {
        long at = entry(entry);
        long owner = pm.getLongAcquire(at + TOKEN);
        return owner != 0 && pm.getLongAcquire(at + GENERATION) == generation && !isDead(entry, owner);
    }

    /**
     * Whether no live process owns an entry now: it is free, or its owner is gone. The token
     * is read with volatile ordering, so a registration that precedes (in the synchronization
     * order) a volatile access that precedes this call is seen ({@link ReaderEpochs} relies
     * on it to clear a dead process's reader slots safely).
     *
     * @param entry registry entry
     * @return true if the entry is free or its owner is dead
     */
    boolean ownerIsDead(int entry) {
        long owner = pm.getLongVolatile(entry(entry) + TOKEN);
        return owner == 0 || isDead(entry, owner);
    }

    /**
     * @param entry registry entry
     * @return its owner's process token (0: free)
     */
    long ownerToken(int entry) {
        return pm.getLongVolatile(entry(entry) + TOKEN);
    }

    /**
     * @param entry registry entry
     * @param owner the token read from it
     * @return whether that owner is dead (this process's own entries are answered without
     *         reading {@code /proc})
     */
    boolean ownerIsDead(int entry, long owner) {
        return owner == 0 || isDead(entry, owner);
    }

    /**
     * @param entry registry entry
     * @param slot  0 or 1
     * @return the pool offset of that reader slot (see {@link ReaderEpochs})
     */
    long readerSlotAt(int entry, int slot) {
        if (slot < 0 || slot >= READER_SLOT_COUNT) {
            throw new IllegalArgumentException("no reader slot " + slot);
        }
        return entry(entry) + READER_SLOTS + (long) slot * Long.BYTES;
    }

    /** @return how many entries belong to live processes (this one included) */
    public int liveCount() {
        int live = 0;
        for (int i = 0; i < entries; i++) {
            long owner = pm.getLongAcquire(entry(i) + TOKEN);
            if (owner != 0 && !isDead(i, owner)) {
                live++;
            }
        }
        return live;
    }

    /** @return the entries whose owner process is gone (not yet recovered) */
    public IntList deadEntries() {
        MutableIntList dead = new IntArrayList();
        for (int i = 0; i < entries; i++) {
            long owner = pm.getLongAcquire(entry(i) + TOKEN);
            if (owner != 0 && isDead(i, owner)) {
                dead.add(i);
            }
        }
        return dead;
    }

    private boolean isDead(int entry, long owner) {
        if (owner == ProcessToken.current()) {
            return !LocalClaims.isHeld(storage, LOCAL_TABLE, entry);
        }
        return !ProcessToken.isProcessAlive(owner);
    }

    private long entry(int i) {
        if (i < 0 || i >= entries) {
            throw new PoolCorruptedException("no registry entry " + i + " (the registry has " + entries + ")");
        }
        return base + (long) i * ENTRY_BYTES;
    }
}
