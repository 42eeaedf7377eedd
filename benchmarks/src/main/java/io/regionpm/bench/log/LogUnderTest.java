package io.regionpm.bench.log;

import java.nio.file.Path;

/**
 * One open log of a {@link LogKind}: appends {@code byte[]} records and reads them back in
 * order. Every implementation stores exactly the record's bytes as its payload (plus its own
 * framing) and hands each record back as a fresh {@code byte[]}, so both sides do the same work
 * a user's code would.
 */
public abstract class LogUnderTest implements AutoCloseable {
    /** The directory holding the log's files. */
    public final Path dir;

    protected LogUnderTest(Path dir) {
        this.dir = dir;
    }

    /** @param record appended as one record, its bytes exactly */
    public abstract void append(byte[] record);

    /** Called after every timed or untimed append (ours with PMSYNC: {@code pool.pmsync()} every 1000th). */
    public void afterAppend() {
    }

    /** Called at the end of a timed append shot and of a fill (ours with PMSYNC: {@code pool.pmsync()}). */
    public void finish() {
    }

    /** @return a reader from the first record */
    public abstract Reader reader();

    /** Closes the log, and deletes its files if this JVM created it. */
    @Override
    public abstract void close();

    /** A sequential reader. */
    public interface Reader extends AutoCloseable {
        /** @return the next record if one is there now, else null */
        byte[] next();

        /**
         * @param timeoutNanos how long to wait at most
         * @return the next record, waiting for it up to {@code timeoutNanos}, or null
         */
        byte[] poll(long timeoutNanos);

        @Override
        void close();
    }
}
