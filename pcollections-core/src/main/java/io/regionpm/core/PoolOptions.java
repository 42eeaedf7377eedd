package io.regionpm.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

import io.regionpm.alloc.PmsyncStore;
import io.regionpm.alloc.PoolGeometry;
import io.regionpm.alloc.PoolSpec;

/**
 * How to open a pool, and how to create it when absent. Immutable; every {@code with} method
 * returns a copy and checks its argument at once ({@link IllegalArgumentException} naming the
 * option).
 *
 * <p>Creation options (size, durability, lanes, processes, lane log bytes) matter only when
 * {@link Pool#open(java.nio.file.Path, PoolOptions)} creates the pool; an existing pool keeps
 * the ones it was created with. Lock timeout and read-only apply to every open.
 *
 * @param size         pool size in bytes (sparse on disk), a multiple of 4096 from 1 MiB to 4 TiB
 * @param durability   durability mode (default {@link Durability#SYNC})
 * @param lockTimeout  how long to wait for a lock another thread or process holds (default 10 s)
 * @param lanes        concurrent operations across all processes (default 64)
 * @param maxProcesses processes that may have the pool open at once (default 64)
 * @param laneLogBytes transaction log bytes per lane, a multiple of 4096, or 0 for automatic
 * @param readOnly     open an existing pool without ever writing to it (default false): the file is
 *                     opened for reading and mapped read-only, never created, this process is not
 *                     registered and recovers nothing, and every mutating call throws
 *                     {@link io.regionpm.alloc.PoolException}; see {@link Pool#open(Path, PoolOptions)}
 * @param workDir      for PMSYNC pools: the tmpfs directory of the shared working image and
 *                     its control file (default {@code /dev/shm}); every process must use the same
 */
public record PoolOptions(long size, Durability durability, Duration lockTimeout, int lanes, int maxProcesses,
                          int laneLogBytes, boolean readOnly, Path workDir) {
    /** Default lock timeout. */
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Validates every option.
     *
     * @throws IllegalArgumentException naming the first bad option
     */
    public PoolOptions {
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(lockTimeout, "lockTimeout");
        Objects.requireNonNull(workDir, "workDir");
        if (lockTimeout.isNegative() || lockTimeout.isZero()) {
            throw new IllegalArgumentException("lockTimeout must be positive: " + lockTimeout);
        }
        try {
            PoolGeometry.of(size, lanes, maxProcesses, laneLogBytes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(optionName(e.getMessage()) + e.getMessage(), e);
        }
    }

    private static String optionName(String message) {
        if (message.startsWith("size") && message.contains("leaves no room")) {
            return "size/lanes/laneLogBytes: ";
        }
        if (message.startsWith("size")) {
            return "";
        }
        if (message.startsWith("lanes")) {
            return "";
        }
        if (message.startsWith("registry entries")) {
            return "maxProcesses: ";
        }
        return "laneLogBytes: ";
    }

    /**
     * Options to open a pool, creating it with {@code size} bytes if absent.
     *
     * @param size bytes, a multiple of 4096 from 1 MiB to 4 TiB
     * @return the options with every other value at its default
     */
    public static PoolOptions create(long size) {
        return new PoolOptions(size, Durability.SYNC, DEFAULT_LOCK_TIMEOUT, PoolSpec.DEFAULT_LANES,
                PoolGeometry.DEFAULT_REGISTRY_ENTRIES, 0, false, PmsyncStore.DEFAULT_WORK_DIR);
    }

    /**
     * Options to open an existing pool read-only ({@link #readOnly()} true), every other value
     * at its default; the creation options are unused, since a read-only open never creates.
     *
     * @return the options
     */
    public static PoolOptions forReading() {
        return create(PoolGeometry.MIN_SIZE).withReadOnly(true);
    }

    /** @param d durability @return a copy with it */
    public PoolOptions withDurability(Durability d) {
        return new PoolOptions(size, d, lockTimeout, lanes, maxProcesses, laneLogBytes, readOnly, workDir);
    }

    /** @param timeout lock timeout, positive @return a copy with it */
    public PoolOptions withLockTimeout(Duration timeout) {
        return new PoolOptions(size, durability, timeout, lanes, maxProcesses, laneLogBytes, readOnly, workDir);
    }

    /** @param n lanes @return a copy with them */
    public PoolOptions withLanes(int n) {
        return new PoolOptions(size, durability, lockTimeout, n, maxProcesses, laneLogBytes, readOnly, workDir);
    }

    /** @param n processes @return a copy with them */
    public PoolOptions withMaxProcesses(int n) {
        return new PoolOptions(size, durability, lockTimeout, lanes, n, laneLogBytes, readOnly, workDir);
    }

    /** @param bytes log bytes per lane (0: automatic) @return a copy with them */
    public PoolOptions withLaneLogBytes(int bytes) {
        return new PoolOptions(size, durability, lockTimeout, lanes, maxProcesses, bytes, readOnly, workDir);
    }

    /** @param value read-only @return a copy with it */
    public PoolOptions withReadOnly(boolean value) {
        return new PoolOptions(size, durability, lockTimeout, lanes, maxProcesses, laneLogBytes, value, workDir);
    }

    /** @param dir the PMSYNC working directory (tmpfs) @return a copy with it */
    public PoolOptions withWorkDir(Path dir) {
        return new PoolOptions(size, durability, lockTimeout, lanes, maxProcesses, laneLogBytes, readOnly, dir);
    }

    /** @return the allocator's creation spec */
    PoolSpec spec() {
        return new PoolSpec(size, lanes, durability.code(), maxProcesses, laneLogBytes);
    }
}
