package io.regionpm.alloc;

/**
 * What a new pool is created with. Immutable.
 *
 * @param size       bytes (sparse on disk), a multiple of 4096 from 1 MiB to 4 TiB
 * @param laneCount  lanes (concurrent operations across all processes), 1 to 1024
 * @param durability durability code stored in the header: {@link #SYNC}, {@link #PMSYNC}
 *                   or {@link #NONE} (interpreted by {@code pcollections-core})
 */
public record PoolSpec(long size, int laneCount, int durability) {
    /** Durability code: every returned call is durable. */
    public static final int SYNC = 0;
    /** Durability code: durable as of the last {@code pmsync()}. */
    public static final int PMSYNC = 1;
    /** Durability code: atomic against process crashes only. */
    public static final int NONE = 2;
    /** Default number of lanes. */
    public static final int DEFAULT_LANES = 64;

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException naming the bad field
     */
    public PoolSpec {
        PoolGeometry.of(size, laneCount);
        if (durability < SYNC || durability > NONE) {
            throw new IllegalArgumentException("durability must be 0 (SYNC), 1 (PMSYNC) or 2 (NONE): " + durability);
        }
    }

    /**
     * @param size bytes
     * @return a spec with default lanes and SYNC durability
     */
    public static PoolSpec of(long size) {
        return new PoolSpec(size, DEFAULT_LANES, SYNC);
    }

    /** @param lanes lane count @return a copy with that lane count */
    public PoolSpec withLanes(int lanes) {
        return new PoolSpec(size, lanes, durability);
    }

    /** @param code durability code @return a copy with that durability */
    public PoolSpec withDurability(int code) {
        return new PoolSpec(size, laneCount, code);
    }

    /** @return the layout this spec gives */
    public PoolGeometry geometry() {
        return PoolGeometry.of(size, laneCount);
    }
}
