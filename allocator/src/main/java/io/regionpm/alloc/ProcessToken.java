package io.regionpm.alloc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * The 8-byte identity of a live process, stored as the owner of a lane: the pid in the low
 * 22 bits (Linux's largest pid_max) and the process start time in milliseconds (mod 2^42)
 * above, so that a reused pid is never taken for the old owner. Where the start time of a
 * running process cannot be read, that process is taken to be the owner (conservative: a
 * lane is never stolen from a possibly live process).
 *
 * <p>Used as the owner of lanes (allocator) and of process-registry entries and locks
 * (recovery).
 *
 * <p>Thread-safety: stateless. Process-safety: a token names one process for its lifetime.
 */
public final class ProcessToken {
    private static final int PID_BITS = 22;
    private static final long PID_MASK = (1L << PID_BITS) - 1;
    private static final long CURRENT = of(ProcessHandle.current());

    private ProcessToken() {
    }

    /** @return this process's token (never 0) */
    public static long current() {
        return CURRENT;
    }

    /** @param token a token @return its pid */
    public static long pid(long token) {
        return token & PID_MASK;
    }

    /** @param token a token @return the start time it records, in ms since the epoch (0: unknown) */
    public static long startMillis(long token) {
        return token >>> PID_BITS;
    }

    /**
     * Whether the process a token names is still running (not a zombie, same start time).
     *
     * @param token a nonzero token
     * @return true if that very process is alive
     */
    public static boolean isProcessAlive(long token) {
        if (token == CURRENT) {
            return true;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid(token));
        if (handle.isEmpty() || !handle.get().isAlive() || isZombie(pid(token))) {
            return false;
        }
        Optional<Instant> start = handle.get().info().startInstant();
        if (start.isEmpty()) {
            return true; // cannot tell a reused pid apart: never steal from a possibly live owner
        }
        return of(handle.get()) == token;
    }

    private static long of(ProcessHandle p) {
        long start = p.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        return (start << PID_BITS) | (p.pid() & PID_MASK);
    }

    private static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int close = stat.lastIndexOf(')');
            char state = close >= 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
            return state == 'Z' || state == 'X';
        } catch (IOException e) {
            return false;
        }
    }
}
