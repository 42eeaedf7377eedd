package io.regionpm.alloc;

/**
 * Where each region of a pool lies, computed from the pool's size and lane count (and
 * stored in the header, which must agree). Regions, in file order: header, lane table,
 * superblock state table, allocation bitmaps, data (whole superblocks).
 *
 * @param size                  pool size in bytes
 * @param laneCount             number of lanes
 * @param laneTableOffset       first byte of the lane table
 * @param superblockTableOffset first byte of the superblock state table
 * @param superblockCount       number of superblocks in the data region
 * @param bitmapOffset          first byte of the allocation bitmaps
 * @param dataOffset            first byte of superblock 0
 */
public record PoolGeometry(long size, int laneCount, long laneTableOffset, long superblockTableOffset,
                           long superblockCount, long bitmapOffset, long dataOffset) {

    /** Bytes reserved for the header (one page). */
    public static final long HEADER_BYTES = 4096;
    /** Bytes of one lane record. */
    public static final int LANE_BYTES = 128;
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
     * Lays out a pool.
     *
     * @param size      bytes, a multiple of 4096 in [{@link #MIN_SIZE}, {@link #MAX_SIZE}]
     * @param laneCount lanes, 1 to {@link #MAX_LANES}
     * @return the layout
     * @throws IllegalArgumentException naming the bad argument
     */
    public static PoolGeometry of(long size, int laneCount) {
        if (size < MIN_SIZE || size > MAX_SIZE || size % PAGE != 0) {
            throw new IllegalArgumentException("size must be a multiple of 4096 between " + MIN_SIZE
                    + " and " + MAX_SIZE + " bytes: " + size);
        }
        if (laneCount < 1 || laneCount > MAX_LANES) {
            throw new IllegalArgumentException("lanes must be between 1 and " + MAX_LANES + ": " + laneCount);
        }
        long laneTable = HEADER_BYTES;
        long stateTable = laneTable + roundUp((long) laneCount * LANE_BYTES);
        long n = (size - stateTable) / (SUPERBLOCK_BYTES + STATE_BYTES + BITMAP_BYTES);
        while (n > 0 && dataOffset(stateTable, n) + n * SUPERBLOCK_BYTES > size) {
            n--;
        }
        if (n < 1) {
            throw new IllegalArgumentException("size " + size + " leaves no room for a superblock");
        }
        long bitmaps = stateTable + roundUp(n * STATE_BYTES);
        return new PoolGeometry(size, laneCount, laneTable, stateTable, n, bitmaps, dataOffset(stateTable, n));
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

    /** @return bytes of the data region */
    public long dataBytes() {
        return superblockCount * SUPERBLOCK_BYTES;
    }
}
