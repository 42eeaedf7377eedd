package io.regionpm.alloc;

/**
 * Where each region of a pool lies, computed from the pool's size, lane count, registry size
 * and lane log size (and stored in the header, which must agree). Regions, in file order,
 * each starting on a 4096-byte page:
 *
 * <pre>
 * | region          | bytes                               | owner                         |
 * | header          | 4096                                | {@link PoolHeader}            |
 * | lane table      | lanes x 128                         | the allocator (lane records)  |
 * | root area       | 4096                                | recovery and core (root words)|
 * | process registry| registry entries x 64               | recovery                      |
 * | lane logs       | lanes x lane log bytes              | recovery (transaction logs)   |
 * | superblock table| superblocks x 8                     | the allocator                 |
 * | bitmaps         | superblocks x 512                   | the allocator                 |
 * | data            | superblocks x 65536                 | allocated blocks              |
 * </pre>
 *
 * @param size                  pool size in bytes
 * @param laneCount             number of lanes
 * @param laneTableOffset       first byte of the lane table
 * @param rootOffset            first byte of the root area ({@link #ROOT_BYTES} bytes)
 * @param registryOffset        first byte of the process registry
 * @param registryEntries       number of process registry entries
 * @param laneLogOffset         first byte of lane 0's log space
 * @param laneLogBytes          bytes of each lane's log space (a multiple of 4096)
 * @param superblockTableOffset first byte of the superblock state table
 * @param superblockCount       number of superblocks in the data region
 * @param bitmapOffset          first byte of the allocation bitmaps
 * @param dataOffset            first byte of superblock 0
 */
public record PoolGeometry(long size, int laneCount, long laneTableOffset, long rootOffset, long registryOffset,
                           int registryEntries, long laneLogOffset, int laneLogBytes, long superblockTableOffset,
                           long superblockCount, long bitmapOffset, long dataOffset) {

    /** Bytes reserved for the header (one page). */
    public static final long HEADER_BYTES = 4096;
    /** Bytes of one lane record. */
    public static final int LANE_BYTES = 128;
    /** Bytes of the root area. */
    public static final int ROOT_BYTES = 4096;
    /** Bytes of one process registry entry. */
    public static final int REGISTRY_ENTRY_BYTES = 64;
    /** Default number of process registry entries (processes that can have the pool open at once). */
    public static final int DEFAULT_REGISTRY_ENTRIES = 64;
    /** Most process registry entries. */
    public static final int MAX_REGISTRY_ENTRIES = 4095;
    /** Smallest lane log space. */
    public static final int MIN_LANE_LOG_BYTES = 4096;
    /** Largest lane log space (64 MiB). */
    public static final int MAX_LANE_LOG_BYTES = 1 << 26;
    /** Largest lane log space chosen automatically. */
    public static final int AUTO_LANE_LOG_MAX = 1 << 16;
    /** Bytes of one superblock. */
    public static final int SUPERBLOCK_BYTES = 1 << 16;
    /** Bytes of one superblock's state word. */
    public static final int STATE_BYTES = 8;
    /** Bytes of one superblock's allocation bitmap (one bit per smallest block). */
    public static final int BITMAP_BYTES = SUPERBLOCK_BYTES / 16 / 8;
    /** Smallest pool. */
    public static final long MIN_SIZE = 1L << 20;
    /** Largest pool (4 TiB). */
    public static final long MAX_SIZE = 1L << 42;
    /** Most lanes. */
    public static final int MAX_LANES = 1024;
    private static final long PAGE = 4096;

    /**
     * Lays out a pool with the default registry and an automatic lane log size.
     *
     * @param size      bytes, a multiple of 4096 in [{@link #MIN_SIZE}, {@link #MAX_SIZE}]
     * @param laneCount lanes, 1 to {@link #MAX_LANES}
     * @return the layout
     * @throws IllegalArgumentException naming the bad argument
     */
    public static PoolGeometry of(long size, int laneCount) {
        return of(size, laneCount, DEFAULT_REGISTRY_ENTRIES, 0);
    }

    /**
     * The lane log size chosen when none is given: a sixteenth of the pool shared among the
     * lanes, rounded down to a page, between {@link #MIN_LANE_LOG_BYTES} and
     * {@link #AUTO_LANE_LOG_MAX}.
     *
     * @param size      pool size
     * @param laneCount lanes
     * @return bytes per lane
     */
    public static int autoLaneLogBytes(long size, int laneCount) {
        long share = size / 16 / Math.max(1, laneCount) & -PAGE;
        return (int) Math.max(MIN_LANE_LOG_BYTES, Math.min(AUTO_LANE_LOG_MAX, share));
    }

    /**
     * Lays out a pool.
     *
     * @param size            bytes, a multiple of 4096 in [{@link #MIN_SIZE}, {@link #MAX_SIZE}]
     * @param laneCount       lanes, 1 to {@link #MAX_LANES}
     * @param registryEntries processes that may have the pool open at once, 1 to {@link #MAX_REGISTRY_ENTRIES}
     * @param laneLogBytes    log space per lane, a multiple of 4096 in
     *                        [{@link #MIN_LANE_LOG_BYTES}, {@link #MAX_LANE_LOG_BYTES}], or 0 for
     *                        {@link #autoLaneLogBytes}
     * @return the layout
     * @throws IllegalArgumentException naming the bad argument
     */
    public static PoolGeometry of(long size, int laneCount, int registryEntries, int laneLogBytes) {
        if (size < MIN_SIZE || size > MAX_SIZE || size % PAGE != 0) {
            throw new IllegalArgumentException("size must be a multiple of 4096 between " + MIN_SIZE
                    + " and " + MAX_SIZE + " bytes: " + size);
        }
        if (laneCount < 1 || laneCount > MAX_LANES) {
            throw new IllegalArgumentException("lanes must be between 1 and " + MAX_LANES + ": " + laneCount);
        }
        if (registryEntries < 1 || registryEntries > MAX_REGISTRY_ENTRIES) {
            throw new IllegalArgumentException("registry entries must be between 1 and " + MAX_REGISTRY_ENTRIES
                    + ": " + registryEntries);
        }
        int logBytes = laneLogBytes == 0 ? autoLaneLogBytes(size, laneCount) : laneLogBytes;
        if (logBytes < MIN_LANE_LOG_BYTES || logBytes > MAX_LANE_LOG_BYTES || logBytes % PAGE != 0) {
            throw new IllegalArgumentException("lane log bytes must be a multiple of 4096 between "
                    + MIN_LANE_LOG_BYTES + " and " + MAX_LANE_LOG_BYTES + ": " + laneLogBytes);
        }
        long laneTable = HEADER_BYTES;
        long root = laneTable + roundUp((long) laneCount * LANE_BYTES);
        long registry = root + ROOT_BYTES;
        long laneLogs = registry + roundUp((long) registryEntries * REGISTRY_ENTRY_BYTES);
        long stateTable = laneLogs + (long) laneCount * logBytes;
        long n = Math.max(0, (size - stateTable) / (SUPERBLOCK_BYTES + STATE_BYTES + BITMAP_BYTES));
        while (n > 0 && dataOffset(stateTable, n) + n * SUPERBLOCK_BYTES > size) {
            n--;
        }
        if (n < 1) {
            throw new IllegalArgumentException("size " + size + " leaves no room for a superblock after "
                    + laneCount + " lanes of " + logBytes + " log bytes (use fewer lanes or a larger pool)");
        }
        long bitmaps = stateTable + roundUp(n * STATE_BYTES);
        return new PoolGeometry(size, laneCount, laneTable, root, registry, registryEntries, laneLogs, logBytes,
                stateTable, n, bitmaps, dataOffset(stateTable, n));
    }

    private static long dataOffset(long stateTable, long n) {
        return stateTable + roundUp(n * STATE_BYTES) + roundUp(n * BITMAP_BYTES);
    }

    private static long roundUp(long bytes) {
        return (bytes + PAGE - 1) & -PAGE;
    }

    /** @param lane lane index @return offset of its lane record */
    public long laneOffset(int lane) {
        return laneTableOffset + (long) lane * LANE_BYTES;
    }

    /** @param lane lane index @return offset of its log space ({@link #laneLogBytes} bytes) */
    public long laneLogOffset(int lane) {
        return laneLogOffset + (long) lane * laneLogBytes;
    }

    /** @param entry registry entry @return offset of its 64 bytes */
    public long registryEntryOffset(int entry) {
        return registryOffset + (long) entry * REGISTRY_ENTRY_BYTES;
    }

    /** @param superblock index @return offset of its state word */
    public long stateOffset(long superblock) {
        return superblockTableOffset + superblock * STATE_BYTES;
    }

    /** @param superblock index @return offset of its bitmap */
    public long bitmapOffset(long superblock) {
        return bitmapOffset + superblock * BITMAP_BYTES;
    }

    /** @param superblock index @return offset of its first byte */
    public long superblockOffset(long superblock) {
        return dataOffset + superblock * SUPERBLOCK_BYTES;
    }

    /**
     * @param offset a pool offset
     * @return the index of the superblock containing it, or -1 outside the data region
     */
    public long superblockOf(long offset) {
        if (offset < dataOffset || offset >= dataOffset + superblockCount * SUPERBLOCK_BYTES) {
            return -1;
        }
        return (offset - dataOffset) >>> 16;
    }

    /**
     * Whether an allocation or a free may store into this word atomically with itself: an
     * 8-byte aligned word of the data region, the root area, the registry or the lane logs
     * (never the header, lane table, superblock table or bitmaps).
     *
     * @param offset a pool offset
     * @return true if it may be a slot
     */
    public boolean isSlot(long offset) {
        if ((offset & 7) != 0) {
            return false;
        }
        return offset >= dataOffset && offset <= size - 8 || offset >= rootOffset && offset < superblockTableOffset;
    }

    /** @return bytes of the data region */
    public long dataBytes() {
        return superblockCount * SUPERBLOCK_BYTES;
    }
}
