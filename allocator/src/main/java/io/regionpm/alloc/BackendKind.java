package io.regionpm.alloc;

/**
 * How a pool's bytes reach durable media, chosen by probing when the pool is mapped.
 */
public enum BackendKind {
    /** A DAX file mapped with {@code MAP_SYNC}: flush writes cache lines back, no syscall. */
    DAX,
    /** An ordinary file: flush is {@code msync(MS_SYNC)} over the touched pages. */
    FILE,
    /** A tmpfs file such as {@code /dev/shm}: flush does nothing, nothing survives a reboot. */
    SHM,
    /**
     * A {@code PMSYNC} pool's shared working image on tmpfs ({@link PmsyncStore}): flush marks
     * the pages dirty, and only {@link PmsyncStore#pmsync()} makes them durable, atomically.
     */
    PMSYNC,
    /** The power-loss simulator used by tests (see {@code io.regionpm.alloc.sim}). */
    SIMULATED
}
