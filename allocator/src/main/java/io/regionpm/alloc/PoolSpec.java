package io.regionpm.alloc;

/**
 * What a new pool is created with. Immutable.
 *
 * @param size            bytes (sparse on disk), a multiple of 4096 from 1 MiB to 4 TiB
 * @param laneCount       lanes (concurrent operations across all processes), 1 to 1024
 * @param durability      durability code stored in the header: {@link #SYNC}, {@link #PMSYNC}
 *                        or {@link #NONE} (interpreted by {@code pcollections-core})
 * @param registryEntries processes that may have the pool open at once, 1 to 4095
 * @param laneLogBytes    transaction log space per lane (bounds the size of one
 *                        transaction), a multiple of 4096, or 0 for an automatic size
 *                        ({@link PoolGeometry#autoLaneLogBytes})
 */
public record PoolSpec(long size, int laneCount, int durability, int registryEntries, int laneLogBytes) {
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
        PoolGeometry.of(size, laneCount, registryEntries, laneLogBytes);
        if (durability < SYNC || durability > NONE) {
            throw new IllegalArgumentException("durability must be 0 (SYNC), 1 (PMSYNC) or 2 (NONE): " + durability);
        }
    }

    /**
     * A spec with the default registry and automatic lane log size.
     *
     * @param size       bytes
     * @param laneCount  lanes
     * @param durability durability code
     */
    public PoolSpec(long size, int laneCount, int durability) {
        this(size, laneCount, durability, PoolGeometry.DEFAULT_REGISTRY_ENTRIES, 0);
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
        return new PoolSpec(size, lanes, durability, registryEntries, laneLogBytes);
    }

    /** @param code durability code @return a copy with that durability */
    public PoolSpec withDurability(int code) {
        return new PoolSpec(size, laneCount, code, registryEntries, laneLogBytes);
    }

    /** @param entries registry entries @return a copy with that many */
    public PoolSpec withRegistryEntries(int entries) {
        return new PoolSpec(size, laneCount, durability, entries, laneLogBytes);
    }

    /** @param bytes log bytes per lane (0: automatic) @return a copy with that log size */
    public PoolSpec withLaneLogBytes(int bytes) {
        return new PoolSpec(size, laneCount, durability, registryEntries, bytes);
    }

    /** @return the layout this spec gives */
    public PoolGeometry geometry() {
        return PoolGeometry.of(size, laneCount, registryEntries, laneLogBytes);
    }
}
