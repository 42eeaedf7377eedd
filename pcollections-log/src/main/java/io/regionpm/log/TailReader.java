package io.regionpm.log;

import java.time.Duration;
import java.util.NoSuchElementException;

import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.log.internal.LogEngine;
import io.regionpm.log.internal.LogRepair;
import io.regionpm.log.internal.Probe;

/**
 * The {@link LogReader} of a {@link PersistentLog}: walks positions with
 * {@link LogEngine#probe}, jumping over SKIPs and truncated ranges; at an append in flight it
 * reports nothing yet, and once it has stayed there for {@link #HOLE_CHECK_NANOS} it asks
 * {@link LogRepair#resolveHole} whether the appender is dead. {@link #poll} spins briefly, then
 * futex-waits on the log's notify word (which an append bumps when a reader waits), at most 1 ms at a time.
 *
 * <p>Thread-safety: one thread at a time.
 *
 * @param <E> the records' type
 */
final class TailReader<E> implements LogReader<E> {
    /** How long a reader waits at one in-flight position before checking for a dead appender. */
    static final long HOLE_CHECK_NANOS = 1_000_000;
    private static final int SPINS = 200;
    private static final long MAX_SLEEP_NANOS = 1_000_000;

    private final PersistentLog<E> log;
    private final LogEngine engine;
    private final Probe probe = new Probe();
    private long position;
    private boolean ready;
    private long stuckAt = -1;
    private long stuckSince;

    TailReader(PersistentLog<E> log, long from) {
        this.log = log;
        this.engine = log.engine();
        this.position = from;
    }

    @Override
    public boolean hasNext() {
        log.pool().runtime();
        while (!ready) {
            engine.probe(position, probe);
            switch (probe.status()) {
                case Probe.RECORD -> ready = true;
                case Probe.SKIP, Probe.TRUNCATED -> position = probe.next();
                case Probe.END -> {
                    return false;
                }
                case Probe.IN_FLIGHT -> {
                    if (!holeRepaired()) {
                        return false;
                    }
                }
                default -> throw new PoolCorruptedException("log record at position " + position + " fails validation");
            }
        }
        return true;
    }

    private boolean holeRepaired() {
        long now = System.nanoTime();
        if (stuckAt != position) {
            stuckAt = position;
            stuckSince = now;
            return false;
        }
        return now - stuckSince >= HOLE_CHECK_NANOS && LogRepair.resolveHole(engine, position);
    }

    @Override
    public E next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no record at position " + position + " yet");
        }
        E value = log.codec().decode(probe.payload(), 0, probe.length());
        skip();
        return value;
    }

    /** Moves past the record {@link #hasNext()} found. */
    void skip() {
        ready = false;
        position = probe.next();
    }

    /** @return the position of the record {@link #hasNext()} found */
    long recordPosition() {
        return position;
    }

    @Override
    public long position() {
        return ready ? position : Math.max(position, engine.head());
    }

    @Override
    public E poll(Duration timeout) {
        return awaitRecord(Long.MAX_VALUE, System.nanoTime() + timeout.toNanos()) ? next() : null;
    }

    /**
     * Waits until a record before {@code end} is available, the reader reaches {@code end},
     * or the deadline passes.
     *
     * @param end      where to stop (exclusive)
     * @param deadline a {@link System#nanoTime()} value
     * @return whether a record before {@code end} is available
     */
    boolean awaitRecord(long end, long deadline) {
        for (int spin = 0; ; spin++) {
            if (hasNext()) {
                return position < end;
            }
            long left = deadline - System.nanoTime();
            if (position >= end || left <= 0) {
                return false;
            }
            if (spin < SPINS) {
                Thread.onSpinWait();
                continue;
            }
            int sequence = engine.notifySequence();
            if (hasNext()) {
                return position < end;
            }
            engine.await(sequence, Math.min(left, MAX_SLEEP_NANOS), this::hasNext);
        }
    }

    @Override
    public void close() {
        ready = false;
    }
}
