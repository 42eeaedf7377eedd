package io.regionpm.log;

import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.stream.Stream;

import io.regionpm.core.Codec;
import io.regionpm.core.Pool;
import io.regionpm.core.UpdateStrategy;

/**
 * A durable append-only log in a pool: producers in any threads and JVMs append, consumers in
 * any JVMs read by position or tail it with a {@link LogReader}, and old records are dropped
 * from the head to reuse their space.
 *
 * <p>Positions are opaque, increasing longs: {@link #append} returns the record's position,
 * {@link #firstPosition()} is the oldest record kept, {@link #endPosition()} where the next
 * record will go.
 *
 * <p>Strategy: {@link UpdateStrategy#APPEND} only. Records are framed (length, kind, a
 * position-seeded checksum) so that a torn tail is detected and discarded; concurrent
 * appenders reserve space with a CAS on the tail. Crash behaviour: an append is atomic (the
 * record is there whole or not at all) against process crashes and, as the pool's
 * durability mode says, power loss; the record of an appender killed mid-append is skipped
 * by readers and never blocks them.
 *
 * <p>Thread-safety: safe for any number of threads and processes.
 *
 * @param <E> the records' type
 */
public final class PersistentLog<E> implements Iterable<E> {

    private PersistentLog() {
    }

    /**
     * Opens the log called {@code name}, creating it if the name is new.
     *
     * @param pool  the pool
     * @param name  the log's name
     * @param codec how records are stored
     * @param <E>   the records' type
     * @return the log
     * @throws IllegalStateException if the name exists with another type or codec
     */
    public static <E> PersistentLog<E> open(Pool pool, String name, Codec<E> codec) {
        return open(pool, name, codec, null);
    }

    /**
     * @param pool     the pool
     * @param name     the log's name
     * @param codec    how records are stored
     * @param strategy {@link UpdateStrategy#APPEND} or null
     * @param <E>      the records' type
     * @return the log
     * @throws IllegalArgumentException if the strategy is not APPEND
     */
    public static <E> PersistentLog<E> open(Pool pool, String name, Codec<E> codec, UpdateStrategy strategy) {
        throw new UnsupportedOperationException("not built yet (issue 6)");
    }

    /**
     * Appends one record.
     *
     * @param record the record
     * @return its position
     * @throws IllegalArgumentException if its encoding is larger than a segment of the log
     */
    public long append(E record) {
        throw new UnsupportedOperationException();
    }

    /**
     * Appends records contiguously, atomically (all or none), in their iteration order.
     *
     * @param records the records
     * @return the position of the first (the end position if there are none)
     */
    public long appendAll(Collection<? extends E> records) {
        throw new UnsupportedOperationException();
    }

    /**
     * @param position a position {@link #append} returned
     * @return the record there
     * @throws java.util.NoSuchElementException if it was truncated away or is not a record's position
     */
    public E read(long position) {
        throw new UnsupportedOperationException();
    }

    /**
     * @param from a position (clamped to {@link #firstPosition()})
     * @return a reader from there, that keeps up with later appends
     */
    public LogReader<E> reader(long from) {
        throw new UnsupportedOperationException();
    }

    /**
     * Drops every record before {@code position} and reclaims their space.
     *
     * @param position a record's position or {@link #endPosition()}
     */
    public void truncateHead(long position) {
        throw new UnsupportedOperationException();
    }

    /** @return the position of the oldest record kept */
    public long firstPosition() {
        throw new UnsupportedOperationException();
    }

    /** @return the position the next record will have */
    public long endPosition() {
        throw new UnsupportedOperationException();
    }

    /** @return the records from the head to the end as of now (weakly consistent) */
    @Override
    public Iterator<E> iterator() {
        throw new UnsupportedOperationException();
    }

    /** @return {@link #iterator()} as a stream */
    public Stream<E> stream() {
        throw new UnsupportedOperationException();
    }

    /** @return how long {@link LogReader#poll} needs at least to notice an append from another JVM, roughly */
    static Duration pollGranularity() {
        return Duration.ofMillis(1);
    }
}
