package io.regionpm.core;

import java.util.List;

/**
 * A snapshot of a pool's figures, from {@link Pool#stats()}. Immutable; figures of a pool that
 * other processes change are only consistent at the instant each was read.
 *
 * @param size            pool size in bytes
 * @param dataBytes       bytes of the data region (allocatable)
 * @param usedBytes       usable bytes of allocated blocks
 * @param freeBytes       bytes of free superblocks plus free blocks in partly used ones
 * @param sizeClasses     use per size class (classes with no block omitted), then large runs
 * @param durability      the pool's durability mode
 * @param backend         how bytes reach media (DAX, FILE, SHM, ...)
 * @param liveProcesses   processes registered with the pool now, this one included
 * @param recoveries      lanes of dead holders whose log had to be replayed, over the pool's life
 * @param collections     named collections and regions in the root directory
 */
public record PoolStats(long size, long dataBytes, long usedBytes, long freeBytes, List<SizeClassUse> sizeClasses,
                        Durability durability, String backend, int liveProcesses, long recoveries, int collections) {

    /** @throws NullPointerException if a list or name is null */
    public PoolStats {
        sizeClasses = List.copyOf(sizeClasses);
    }

    /**
     * The use of one size class.
     *
     * @param blockSize the class's block size in bytes (for large runs: 0)
     * @param blocks    allocated blocks
     * @param bytes     their usable bytes
     */
    public record SizeClassUse(long blockSize, long blocks, long bytes) {
    }
}
