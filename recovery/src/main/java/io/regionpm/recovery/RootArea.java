package io.regionpm.recovery;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolGeometry;

/**
 * The pool's root area ({@link PoolGeometry#ROOT_BYTES} bytes at
 * {@link PoolGeometry#rootOffset()}): the few pool-wide words of the recovery layer, then
 * root slots for the layers above (the core's root directory). All zero in a new pool,
 * which is a valid state.
 *
 * <pre>
 * | offset | size | field                                                       |
 * |      0 |    8 | open count: bumped by every process that opens the pool     |
 * |      8 |    8 | global reader epoch ({@code ReaderEpochs})                  |
 * |     16 |   16 | recovery mutex ({@link RobustMutex}): serializes the        |
 * |        |      | take-over of dead lanes and of dead owners' locks           |
 * |     32 |    8 | recoveries: lanes of dead holders recovered, ever           |
 * |     40 |    8 | clean-shutdown marker: 1 after the last process closed      |
 * |        |      |   cleanly; cleared by the next open                         |
 * |     48 |   80 | reserved, zero                                              |
 * |    128 | 3968 | root slots: 496 words for the layers above (slot i at 128+8i)|
 * </pre>
 *
 * <p>Thread- and process-safety: counters change by atomic add; the mutex is robust.
 * Crash behaviour: the counters are statistics and may lose an increment.
 */
public final class RootArea {
    static final long OPEN_COUNT = 0, READER_EPOCH = 8, RECOVERY_MUTEX = 16, RECOVERIES = 32, CLEAN = 40, SLOTS = 128;
    /** Number of root slots for the layers above. */
    public static final int SLOT_COUNT = (int) ((PoolGeometry.ROOT_BYTES - SLOTS) / 8);

    private final PersistentMemory pm;
    private final long at;

    /**
     * @param pm       the pool
     * @param geometry its layout
     */
    public RootArea(PersistentMemory pm, PoolGeometry geometry) {
        this.pm = pm;
        this.at = geometry.rootOffset();
        pm.checkRange(at, PoolGeometry.ROOT_BYTES);
    }

    /** @return the open count after bumping it (durable) */
    public long bumpOpenCount() {
        long n = pm.getAndAddLong(at + OPEN_COUNT, 1) + 1;
        pm.persist(at + OPEN_COUNT, 8);
        return n;
    }

    /** @return the open count */
    public long openCount() {
        return pm.getLongAcquire(at + OPEN_COUNT);
    }

    /** Counts one recovered lane (a statistic, flushed lazily). */
    public void countRecovery() {
        pm.getAndAddLong(at + RECOVERIES, 1);
        pm.flush(at + RECOVERIES, 8);
    }

    /** @return lanes of dead holders recovered over the pool's life */
    public long recoveries() {
        return pm.getLongAcquire(at + RECOVERIES);
    }

    /**
     * Takes the clean-shutdown marker: clears it durably and says whether it was set.
     *
     * @return true if the last process to close the pool did so cleanly
     */
    public boolean takeCleanMarker() {
        boolean clean = pm.getAndBitwiseAndLong(at + CLEAN, 0) == 1;
        pm.persist(at + CLEAN, 8);
        return clean;
    }

    /**
     * Reads the clean-shutdown marker without taking it (read-only opens).
     *
     * @return true if the last process to close the pool did so cleanly and none opened it since
     */
    public boolean cleanMarker() {
        return pm.getLongAcquire(at + CLEAN) == 1;
    }

    /** Sets the clean-shutdown marker durably (by the last process to close). */
    public void setCleanMarker() {
        pm.setLongRelease(at + CLEAN, 1);
        pm.persist(at + CLEAN, 8);
    }

    /** @return the offset of the global reader epoch word */
    public long readerEpochOffset() {
        return at + READER_EPOCH;
    }

    /** @return the offset of the recovery mutex */
    public long recoveryMutexOffset() {
        return at + RECOVERY_MUTEX;
    }

    /**
     * @param i a root slot, 0 to {@link #SLOT_COUNT} - 1
     * @return its offset (an 8-byte word, a valid allocation slot)
     */
    public long slot(int i) {
        if (i < 0 || i >= SLOT_COUNT) {
            throw new IndexOutOfBoundsException("root slot " + i + " (there are " + SLOT_COUNT + ")");
        }
        return at + SLOTS + 8L * i;
    }
}
