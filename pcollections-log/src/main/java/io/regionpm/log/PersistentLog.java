package io.regionpm.log;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import io.regionpm.alloc.PoolClosedException;
import io.regionpm.alloc.PoolException;
import io.regionpm.core.Codec;
import io.regionpm.core.Durability;
import io.regionpm.core.Pool;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.core.spi.CollectionHandle;
import io.regionpm.core.spi.CollectionTypes;
import io.regionpm.log.internal.LogEngine;
import io.regionpm.log.internal.LogHeader;
import io.regionpm.log.internal.LogRepair;
import io.regionpm.log.internal.LogType;
import io.regionpm.log.internal.Payloads;
import io.regionpm.log.internal.Probe;
import io.regionpm.recovery.PoolRuntime;
import io.regionpm.recovery.Transaction;

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
 * <p>Layout: records live in segments (1 MiB, or 128 KiB in pools under 64 MiB) allocated on
 * demand; a record, or the records of one {@link #appendAll}, must fit in one segment (so a
 * record of 64 KiB always fits). At most 4096 segments are in use at once: appends beyond
 * that throw {@link io.regionpm.alloc.PoolFullException} until the head is truncated. See
 * docs/format.md, "Logs".
 *
 * <p>Transactions: appends are not transactional and are refused inside
 * {@code pool.transaction}; each append is atomic on its own.
 *
 * <p>Thread-safety: safe for any number of threads and processes.
 *
 * @param <E> the records' type
 */
public final class PersistentLog<E> implements Iterable<E> {
    /** Segment shift of logs in pools of at least 64 MiB: 1 MiB segments. */
    private static final int LARGE_SHIFT = LogEngine.DEFAULT_SHIFT;
    /** Segment shift of logs in smaller pools: 128 KiB segments. */
    private static final int SMALL_SHIFT = 17;
    /** Runtimes and headers whose crash scan has run (once per log per process). */
    private static final Map<PoolRuntime, Set<Long>> SCANNED = Collections.synchronizedMap(new WeakHashMap<>());

    static {
        CollectionTypes.register(LogType.INSTANCE);
    }

    private final Pool pool;
    private final Codec<E> codec;
    private final LogEngine engine;

    private PersistentLog(Pool pool, Codec<E> codec, LogEngine engine) {
        this.pool = pool;
        this.codec = codec;
        this.engine = engine;
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
     * Opens the log called {@code name}, creating it if the name is new. Opening a log after a
     * crash with no other live process makes the incomplete records of the crash SKIPs (see
     * docs/format.md, "Logs").
     *
     * @param pool     the pool
     * @param name     the log's name
     * @param codec    how records are stored
     * @param strategy {@link UpdateStrategy#APPEND} or null
     * @param <E>      the records' type
     * @return the log
     * @throws IllegalArgumentException if the strategy is not APPEND
     * @throws IllegalStateException    if the name exists with another type or codec
     */
    public static <E> PersistentLog<E> open(Pool pool, String name, Codec<E> codec, UpdateStrategy strategy) {
        if (strategy != null && strategy != UpdateStrategy.APPEND) {
            throw new IllegalArgumentException("a log supports APPEND only, not " + strategy);
        }
        PoolRuntime rt = pool.runtime();
        CollectionHandle[] handle = new CollectionHandle[1];
        long header;
        if (rt.isReadOnly()) {
            handle[0] = pool.openCollection(name, LogType.NAME, codec.id(), "", strategy, UpdateStrategy.APPEND);
            header = rt.memory().getLongAcquire(handle[0].rootSlot());
            if (header == 0) {
                throw new PoolException(pool.path() + ": " + name + " has no header yet (its creator died before"
                        + " finishing); open the pool read-write once");
            }
        } else {
            int shift = rt.geometry().size() >= 64L << 20 ? LARGE_SHIFT : SMALL_SHIFT;
            header = rt.transaction(() -> {
                handle[0] = pool.openCollection(name, LogType.NAME, codec.id(), "", strategy, UpdateStrategy.APPEND);
                Transaction tx = rt.current();
                long h = tx.getLong(handle[0].rootSlot());
                if (h == 0) {
                    h = LogEngine.create(tx, shift, LogEngine.DEFAULT_RING);
                    tx.setLong(handle[0].rootSlot(), h);
                }
                return h;
            });
        }
        LogHeader.validate(rt.memory(), header, rt.heap().usableSize(header));
        boolean sync = pool.durability() == Durability.SYNC;
        LogEngine engine = new LogEngine(rt, header, sync);
        if (!rt.isReadOnly()) {
            recover(rt, header, engine, sync);
        }
        return new PersistentLog<>(pool, codec, engine);
    }

    /**
     * Repairs dead appenders' reservations from their slots (enough after a process crash:
     * the slots survive it). The full scan is for a power loss, which may lose the slots: it
     * runs in SYNC pools only (a PMSYNC image never holds half an append, and NONE promises
     * nothing after power loss), after an unclean shutdown with no other live process.
     */
    private static void recover(PoolRuntime rt, long header, LogEngine engine, boolean sync) {
        boolean scan = sync && !rt.openedClean() && rt.registry().liveCount() == 1
                && SCANNED.computeIfAbsent(rt, r -> Collections.synchronizedSet(new HashSet<>())).add(header);
        rt.barrier().enter();
        try {
            LogRepair.recover(engine, scan);
        } finally {
            rt.barrier().exit();
        }
    }

    /** Checks that the pool is open (PoolClosedException otherwise). */
    private void checkOpen() {
        pool.runtime();
    }

    /** Appends are not transactional: refused inside {@code pool.transaction} rather than half joined to it. */
    private void checkAppendable() {
        if (pool.runtime().current() != null) {
            throw new IllegalStateException("a log append is not part of a transaction: append outside pool.transaction");
        }
    }

    /** A failure caused by a concurrent close becomes PoolClosedException; anything else is returned as is. */
    private RuntimeException closedOr(RuntimeException e) {
        if (pool.isClosed() && !(e instanceof PoolClosedException)) {
            return new PoolClosedException(pool.path() + ": the pool was closed during the call", e);
        }
        return e;
    }

    /**
     * Appends one record.
     *
     * @param record the record
     * @return its position
     * @throws IllegalArgumentException if its encoding is larger than a segment of the log
     * @throws NullPointerException     if the record is null
     * @throws IllegalStateException    inside {@code pool.transaction} (appends are not transactional)
     */
    public long append(E record) {
        checkAppendable();
        int length = codec.encodedSize(record);
        try {
            return engine.append(new One<>(codec, record, length));
        } catch (RuntimeException e) {
            throw closedOr(e);
        }
    }

    /**
     * Appends records contiguously, atomically (all or none), in their iteration order. Their
     * framed encodings together must fit in one segment.
     *
     * @param records the records
     * @return the position of the first (the end position if there are none)
     * @throws IllegalArgumentException if they do not fit in one segment (nothing appended)
     * @throws NullPointerException     if a record is null
     * @throws IllegalStateException    inside {@code pool.transaction} (appends are not transactional)
     */
    public long appendAll(Collection<? extends E> records) {
        checkAppendable();
        List<E> list = new ArrayList<>(records);
        if (list.isEmpty()) {
            return endPosition();
        }
        int[] lengths = new int[list.size()];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = codec.encodedSize(list.get(i));
        }
        try {
            return engine.append(new Encoded<>(codec, list, lengths));
        } catch (RuntimeException e) {
            throw closedOr(e);
        }
    }

    /**
     * @param position a position {@link #append} returned
     * @return the record there
     * @throws java.util.NoSuchElementException if it was truncated away or is not a record's position
     */
    public E read(long position) {
        checkOpen();
        Probe probe;
        try {
            probe = engine.probe(position, new Probe());
        } catch (RuntimeException e) {
            throw closedOr(e);
        }
        return switch (probe.status()) {
            case Probe.RECORD -> codec.decode(probe.payload(), 0, probe.length());
            case Probe.TRUNCATED -> throw new NoSuchElementException("position " + position + " was truncated away");
            case Probe.END -> throw new NoSuchElementException("position " + position + " is at or past the end");
            default -> throw new NoSuchElementException("no complete record at position " + position);
        };
    }

    /**
     * @param from a position (clamped to {@link #firstPosition()} and {@link #endPosition()}):
     *             a record's, or one of those two; a reader from inside a record reports
     *             {@link io.regionpm.alloc.PoolCorruptedException} at it
     * @return a reader from there, that keeps up with later appends
     */
    public LogReader<E> reader(long from) {
        checkOpen();
        return new TailReader<>(this, Math.min(Math.max(from, engine.head()), engine.tail()));
    }

    /**
     * Drops every record before {@code position} and reclaims their space: one transaction
     * moves the head and frees the segments wholly below it. Readers (in any process) that
     * are still copying a record there notice it: they re-read the head after the copy and
     * discard it, so the segments are freed at once.
     *
     * @param position a record's position or {@link #endPosition()}
     * @throws IllegalArgumentException if it is neither (or is past the end)
     */
    public void truncateHead(long position) {
        checkOpen();
        try {
            if (position <= engine.head()) {
                return;
            }
            if (position > engine.tail()) {
                throw new IllegalArgumentException("position " + position + " is past the end " + engine.tail());
            }
            long reached = walkTo(position);
            if (reached != position) {
                throw new IllegalArgumentException("position " + position + " is not a record's position");
            }
            engine.truncateHead(position);
        } catch (RuntimeException e) {
            throw closedOr(e);
        }
    }

    /**
     * Walks the record headers from the head to {@code target}, waiting for the appends in
     * flight on the way (repairing those of dead appenders), so that no segment is freed under
     * an appender still writing into it.
     *
     * @return the first record boundary at or past {@code target}
     * @throws IllegalStateException if an append before it is still in flight after the lock timeout
     */
    private long walkTo(long target) {
        long deadline = System.nanoTime() + pool.runtime().lockTimeout().toNanos();
        long p = engine.head();
        long stuckSince = 0;
        while (true) {
            p = engine.walkHeaders(p, target);
            if (p >= target) {
                return p;
            }
            long now = System.nanoTime();
            if (stuckSince == 0) {
                stuckSince = now;
            } else if (now - stuckSince >= TailReader.HOLE_CHECK_NANOS && LogRepair.resolveHole(engine, p)) {
                stuckSince = 0;
                continue;
            }
            if (now > deadline) {
                throw new IllegalStateException("records before position " + target + " are still being appended");
            }
            int sequence = engine.notifySequence();
            long at = p;
            if (engine.walkHeaders(p, target) == p) {
                engine.await(sequence, TailReader.HOLE_CHECK_NANOS, () -> engine.walkHeaders(at, target) != at);
            }
        }
    }

    /** @return the position of the oldest record kept */
    public long firstPosition() {
        checkOpen();
        return engine.head();
    }

    /** @return the position the next record will have */
    public long endPosition() {
        checkOpen();
        return engine.tail();
    }

    /** @return the records from the head to the end as of now (weakly consistent) */
    @Override
    public Iterator<E> iterator() {
        checkOpen();
        long end = engine.tail();
        TailReader<E> reader = new TailReader<>(this, engine.head());
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                long deadline = System.nanoTime() + pool.runtime().lockTimeout().toNanos();
                return reader.awaitRecord(end, deadline);
            }

            @Override
            public E next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return reader.next();
            }
        };
    }

    /** @return {@link #iterator()} as a stream */
    public Stream<E> stream() {
        return StreamSupport.stream(spliterator(), false);
    }

    /** @return how long {@link LogReader#poll} needs at least to notice an append from another JVM, roughly */
    static Duration pollGranularity() {
        return Duration.ofMillis(1);
    }

    LogEngine engine() {
        return engine;
    }

    Codec<E> codec() {
        return codec;
    }

    Pool pool() {
        return pool;
    }

    /** The record of a single append, encoded straight into the pool. */
    private record One<E>(Codec<E> codec, E value, int length) implements Payloads {
        @Override
        public int count() {
            return 1;
        }

        @Override
        public int length(int i) {
            return length;
        }

        @Override
        public void write(int i, MemorySegment dst, long offset) {
            codec.encode(value, dst, offset);
        }
    }

    /** The records of one batched append, encoded straight into the pool. */
    private record Encoded<E>(Codec<E> codec, List<E> values, int[] lengths) implements Payloads {
        @Override
        public int count() {
            return lengths.length;
        }

        @Override
        public int length(int i) {
            return lengths[i];
        }

        @Override
        public void write(int i, MemorySegment dst, long offset) {
            codec.encode(values.get(i), dst, offset);
        }
    }
}
