package io.regionpm.log;

import java.time.Duration;
import java.util.Iterator;

/**
 * A cursor over a {@link PersistentLog}, from a position on, that sees records appended after
 * it was opened by any thread or JVM. {@link #hasNext()} and {@link #next()} never wait;
 * {@link #poll(Duration)} waits for the next record.
 *
 * <p>Thread-safety: one reader per thread (create one per consumer). Process-safety: readers
 * in any number of processes tail one log. Crash behaviour: a reader never returns a torn
 * record, nor one twice; the records of an appender that died mid-append are skipped.
 *
 * @param <E> the records' type
 */
public interface LogReader<E> extends Iterator<E>, AutoCloseable {

    /** @return whether a complete record is available now at {@link #position()} */
    @Override
    boolean hasNext();

    /**
     * @return the record at {@link #position()}, then moves past it
     * @throws java.util.NoSuchElementException if none is available now
     */
    @Override
    E next();

    /**
     * @return the position of the next record this reader returns (or of the end of the log,
     *         where the next append will go); if the head was truncated past it, the head
     */
    long position();

    /**
     * Waits up to {@code timeout} for the next record, appended by any JVM.
     *
     * @param timeout how long to wait at most
     * @return the record, or null if none came in time
     */
    E poll(Duration timeout);

    /** Releases the reader. */
    @Override
    void close();
}
