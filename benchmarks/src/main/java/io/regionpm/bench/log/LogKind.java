package io.regionpm.bench.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A log implementation and configuration under test (issue 6): opens a fresh, empty log, or
 * attaches to an existing one from another JVM (the tail-latency consumer). Implemented by
 * {@link PeerLogs} (Chronicle Queue) and {@link OursLogs} ({@code PersistentLog}); {@link #byName}
 * finds either by constant name (the benchmarks' {@code log} parameter).
 */
public interface LogKind {
    /** @return the constant name, the {@code log} parameter's value */
    String name();

    /** @return where the data lives, for the results: "/dev/shm" or "disk" */
    String where();

    /**
     * @param maxBytes a bound on the payload bytes that will be appended (for kinds that size up front)
     * @return a fresh, empty log in a new directory of its own, deleted by {@link LogUnderTest#close()}
     */
    LogUnderTest create(long maxBytes);

    /**
     * Opens, from another JVM, the log that {@link #create} made in {@code dir}; its
     * {@link LogUnderTest#close()} closes without deleting.
     *
     * @param dir the directory of a log created by {@link #create}
     * @param maxBytes the bound given to {@link #create}
     * @return the same log
     */
    LogUnderTest attach(Path dir, long maxBytes);

    /** @return {@code /dev/shm}: files for NONE-like runs (page cache only, never synced to a disk) */
    static Path shm() {
        return Path.of(System.getProperty("logbench.shm", "/dev/shm"));
    }

    /** @return a directory on a disk ({@code java.io.tmpdir}, ext4 here) for durable runs */
    static Path disk() {
        return Path.of(System.getProperty("logbench.disk", System.getProperty("java.io.tmpdir")));
    }

    /**
     * @param where "/dev/shm" or "disk"
     * @return a new, empty directory there, owned by one log
     */
    static Path newDir(String where) {
        try {
            return Files.createTempDirectory(where.equals("disk") ? disk() : shm(), "logbench-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @param dir a directory to delete with everything in it (best effort) */
    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param name a constant of {@link PeerLogs} or {@link OursLogs}
     * @return that kind
     */
    static LogKind byName(String name) {
        for (PeerLogs k : PeerLogs.values()) {
            if (k.name().equals(name)) {
                return k;
            }
        }
        for (OursLogs k : OursLogs.values()) {
            if (k.name().equals(name)) {
                return k;
            }
        }
        throw new IllegalArgumentException("no log kind " + name);
    }
}
