package io.regionpm.recovery.log;

/**
 * A raw word log: a circular buffer of records (sequences of 64-bit words) in a fixed region
 * of a pool, appended by one writer, made durable by {@link #flush()}, dropped all at once by
 * {@link #truncate()} and read back after a crash or restart by {@link #recover}. It is the
 * building block of redo/undo logs and allocator intents ({@code APPEND} in DESIGN.md
 * section 4): the log keeps uninterpreted words and says nothing about what they mean.
 *
 * <p>Life cycle: a region is initialised once with the implementation's {@code format}
 * (which returns a log ready for appends) and afterwards opened with its {@code open}, which
 * validates the region's header and returns a log that must {@link #recover} before anything
 * else. "append; flush" commits a record.
 *
 * <p>Crash behaviour (power loss or process crash at any instant):
 * <ul>
 *   <li>every record whose {@code flush()} returned is recovered, exactly, in order, unless a
 *       later {@code truncate()} returned;</li>
 *   <li>records appended but not yet flushed when the crash came are recovered as a prefix of
 *       them (possibly empty), each either complete or not at all: a torn, partial or
 *       corrupted record is never handed out, and recovery stops at the first one;</li>
 *   <li>records from before the last {@code truncate()} that returned never come back; if the
 *       crash came during {@code truncate()}, recovery sees either the log as it was or an
 *       empty log.</li>
 * </ul>
 * How torn records are recognised is what distinguishes the implementations:
 * {@link TornbitLog} (one torn bit per word, Mnemosyne's tornbit raw word log) and
 * {@link ChecksumLog} (a sequence number and a 64-bit checksum per record).
 *
 * <p>Thread-safety: none; one writer thread at a time (confine a log to a thread or lock
 * around it). Process-safety: one process uses a region at a time; another process may take a
 * region over only after the previous user is gone, by opening it and recovering.
 */
public interface RecordLog {

    /**
     * Appends one record after the tail. The record is not durable until {@link #flush()}
     * returns; after a crash before that it is either recovered whole or not at all.
     *
     * @param words the record's source
     * @param from  index of its first word in {@code words}
     * @param count its length in words, 1 to {@link #maxRecordWords()}
     * @return true if appended, false if the log has no room for it now (nothing changed:
     *         truncate and retry)
     * @throws IllegalArgumentException  if {@code count} is outside 1..{@link #maxRecordWords()}
     * @throws IndexOutOfBoundsException if the range is outside {@code words}
     * @throws IllegalStateException     if the log was opened and has not recovered yet
     */
    boolean append(long[] words, int from, int count);

    /**
     * Makes every record appended so far durable: the written range is flushed and then one
     * drain (one store fence) waits for it. Does nothing if nothing was appended since the
     * last flush.
     *
     * @throws IllegalStateException if the log was opened and has not recovered yet
     */
    void flush();

    /**
     * Drops every record, durably: once this returns, no recovery sees any of them. Later
     * appends start after the dropped records and reuse their space. A crash during the call
     * leaves either the log as it was or an empty log.
     *
     * @throws IllegalStateException if the log was opened and has not recovered yet
     */
    void truncate();

    /**
     * Reads the log back after a crash or a restart: scans from the durable head, hands each
     * complete record to {@code visitor} in order, stops at the first torn, incomplete or
     * invalid one, and positions the tail right after the last valid record so that appends
     * continue there. Before returning it makes the recovered records durable (they may have
     * been only in the page cache after a process crash) and erases whatever an interrupted
     * append left beyond the tail, so that it can never be mistaken for a record later. Costs
     * one fence and a read of the whole region.
     *
     * @param visitor receives each record; see {@link RecordVisitor} for the buffer's lifetime
     * @return the number of records recovered
     * @throws IllegalStateException if this log already recovered or was made by {@code format}
     */
    int recover(RecordVisitor visitor);

    /**
     * The space live records take: from the head to the tail, appended but unflushed records
     * included. Volatile state; reads nothing from the pool.
     *
     * @return bytes of the buffer held by live records, framing included
     */
    long usedBytes();

    /**
     * The buffer's size, fixed by {@code format}.
     *
     * @return bytes of the circular buffer (the region less its 64-byte header)
     */
    long capacityBytes();

    /**
     * The longest record {@link #append} accepts, which depends on the capacity and the
     * framing (8 B to 4 KiB records need a region of at least about 4.2 KiB).
     *
     * @return the longest record, in words, that fits in an empty log
     */
    int maxRecordWords();
}
