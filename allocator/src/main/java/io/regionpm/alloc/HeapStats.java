package io.regionpm.alloc;

/**
 * A snapshot of a heap's occupancy, computed by walking the state table and bitmaps.
 *
 * @param poolSize           file size in bytes
 * @param dataBytes          bytes of the data region
 * @param superblocks        superblocks in the data region
 * @param freeSuperblocks    superblocks in state FREE
 * @param smallSuperblocks   superblocks holding small blocks
 * @param largeSuperblocks   superblocks in large runs (heads and tails)
 * @param allocatedBlocks    blocks allocated (published), small and large
 * @param allocatedBytes     usable bytes of the allocated blocks
 * @param lanesHeldHere      lanes this process holds
 */
public record HeapStats(long poolSize, long dataBytes, long superblocks, long freeSuperblocks,
                        long smallSuperblocks, long largeSuperblocks, long allocatedBlocks,
                        long allocatedBytes, int lanesHeldHere) {
}
