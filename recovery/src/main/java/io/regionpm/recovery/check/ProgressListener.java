package io.regionpm.recovery.check;

/**
 * Follows a long check: each phase reports {@code (phase, 0, total)} when it starts, then
 * {@code done} out of {@code total} units every so often (every 1024 superblocks, every 4096
 * reached blocks), and a last report when it ends: {@code (total, total)}, except for the
 * walk, which ends at the number of blocks reached out of all allocated ones (the
 * difference is what is leaked).
 *
 * <p>Called on the checking thread; a listener that throws aborts the check with that
 * exception.
 */
@FunctionalInterface
public interface ProgressListener {
    /** Ignores every report. */
    ProgressListener NONE = (phase, done, total) -> {
    };

    /**
     * @param phase the phase: {@code "header"}, {@code "superblocks"}, {@code "lanes"}, a
     *              plugged-in check's name, {@code "walk"}, {@code "allocated blocks"}
     * @param done  units done so far
     * @param total units in the phase
     */
    void progress(String phase, long done, long total);
}
