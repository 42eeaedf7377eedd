package io.regionpm.alloc.internal.pmsync;

/**
 * Where the regions of a control file are, each page aligned: one 64-byte slot per lane
 * (the lane's active word), one 64-byte slot per process entry (owner token, then a count of
 * operations outside lanes), and two bitmaps of one bit per 4 KiB pool page (dirty and
 * in-flight), each with a summary of one bit per bitmap word.
 *
 * @param lanes            lane count
 * @param entries          process entries
 * @param pages            4 KiB pages in the pool
 * @param laneBase         first lane slot
 * @param entryBase        first process slot
 * @param dirtySummary     summary of the dirty bitmap
 * @param dirtyLeaf        the dirty bitmap
 * @param inflightSummary  summary of the in-flight bitmap
 * @param inflightLeaf     the in-flight bitmap
 * @param total            the file's size
 */
public record ControlLayout(int lanes, int entries, long pages, long laneBase, long entryBase, long dirtySummary,
                            long dirtyLeaf, long inflightSummary, long inflightLeaf, long total) {
    /** Bytes of a lane or process slot. */
    public static final int SLOT_BYTES = 64;
    /** log2 of the tracked page size. */
    public static final int PAGE_SHIFT = 12;
    /** The tracked page size. */
    public static final int PAGE_BYTES = 1 << PAGE_SHIFT;

    /**
     * @param poolSize bytes, a multiple of 4096
     * @param lanes    lane count
     * @param entries  process entries
     * @return the layout
     */
    public static ControlLayout of(long poolSize, int lanes, int entries) {
        long pages = poolSize >>> PAGE_SHIFT;
        long leafBytes = words(pages) * 8;
        long summaryBytes = words(words(pages)) * 8;
        long laneBase = 2L * PAGE_BYTES;
        long entryBase = laneBase + pageRound((long) lanes * SLOT_BYTES);
        long dirtySummary = entryBase + pageRound((long) entries * SLOT_BYTES);
        long dirtyLeaf = dirtySummary + pageRound(summaryBytes);
        long inflightSummary = dirtyLeaf + pageRound(leafBytes);
        long inflightLeaf = inflightSummary + pageRound(summaryBytes);
        long total = inflightLeaf + pageRound(leafBytes);
        return new ControlLayout(lanes, entries, pages, laneBase, entryBase, dirtySummary, dirtyLeaf, inflightSummary,
                inflightLeaf, total);
    }

    /** @return 64-bit words in a bitmap */
    public long leafWords() {
        return words(pages);
    }

    /** @return 64-bit words in a summary */
    public long summaryWords() {
        return words(words(pages));
    }

    /** @param lane a lane @return its active word */
    public long laneWord(int lane) {
        return laneBase + (long) lane * SLOT_BYTES;
    }

    /** @param entry a process entry @return its owner token word */
    public long entryToken(int entry) {
        return entryBase + (long) entry * SLOT_BYTES;
    }

    /** @param entry a process entry @return its count of operations outside lanes (4 bytes) */
    public long entryCount(int entry) {
        return entryToken(entry) + 8;
    }

    private static long words(long bits) {
        return (bits + 63) >>> 6;
    }

    private static long pageRound(long bytes) {
        return (bytes + PAGE_BYTES - 1) & -PAGE_BYTES;
    }
}
