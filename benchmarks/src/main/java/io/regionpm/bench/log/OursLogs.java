package io.regionpm.bench.log;

import java.nio.file.Path;
import java.time.Duration;

import io.regionpm.alloc.PmsyncStore;
import io.regionpm.core.Codecs;
import io.regionpm.core.Durability;
import io.regionpm.core.Pool;
import io.regionpm.core.PoolOptions;
import io.regionpm.log.LogReader;
import io.regionpm.log.PersistentLog;

/**
 * Ours in the log comparison of issue 6: {@code PersistentLog<byte[]>} with {@code Codecs.BYTES}
 * (default strategy, APPEND), alone in a fresh sparse pool of its own, read through
 * {@code log.reader(log.firstPosition())} ({@code hasNext()}/{@code next()}, or
 * {@code poll(Duration)} when tailing).
 */
public enum OursLogs implements LogKind {
    /** NONE pool on {@code /dev/shm}: never synced (compare CHRONICLE_SHM). */
    OURS_NONE_SHM("/dev/shm", Durability.NONE, 0),
    /** PMSYNC pool on a disk, {@code pool.pmsync()} after every 1000th append and at the end of a shot (compare CHRONICLE_DISK, which never syncs). */
    OURS_PMSYNC1000_DISK("disk", Durability.PMSYNC, 1000),
    /** SYNC pool on a disk: every append durable when it returns. */
    OURS_SYNC_DISK("disk", Durability.SYNC, 0);

    /** The pool file's name in the log's directory. */
    static final String POOL_FILE = "log.pool";
    /** The log's name in the pool. */
    static final String LOG_NAME = "bench";

    private final String where;
    private final Durability durability;
    private final int pmsyncEvery;

    OursLogs(String where, Durability durability, int pmsyncEvery) {
        this.where = where;
        this.durability = durability;
        this.pmsyncEvery = pmsyncEvery;
    }

    @Override
    public String where() {
        return where;
    }

    /** A generous, sparse pool size for {@code maxBytes} of payload (framing, segments, slack). */
    static long poolSize(long maxBytes) {
        return Math.max(512L << 20, maxBytes * 3);
    }

    @Override
    public LogUnderTest create(long maxBytes) {
        return open(LogKind.newDir(where), maxBytes, true);
    }

    @Override
    public LogUnderTest attach(Path dir, long maxBytes) {
        return open(dir, maxBytes, false);
    }

    private LogUnderTest open(Path dir, long maxBytes, boolean owner) {
        Path path = dir.resolve(POOL_FILE);
        Pool pool = Pool.open(path, PoolOptions.create(poolSize(maxBytes)).withDurability(durability));
        PersistentLog<byte[]> log = PersistentLog.open(pool, LOG_NAME, Codecs.BYTES);
        return new LogUnderTest(dir) {
            private int appends;

            @Override
            public void append(byte[] record) {
                log.append(record);
            }

            @Override
            public void afterAppend() {
                if (pmsyncEvery > 0 && ++appends == pmsyncEvery) {
                    appends = 0;
                    pool.pmsync();
                }
            }

            @Override
            public void finish() {
                appends = 0;
                if (durability == Durability.PMSYNC) {
                    pool.pmsync();
                }
            }

            @Override
            public Reader reader() {
                LogReader<byte[]> r = log.reader(log.firstPosition());
                return new Reader() {
                    @Override
                    public byte[] next() {
                        return r.hasNext() ? r.next() : null;
                    }

                    @Override
                    public byte[] poll(long timeoutNanos) {
                        return r.poll(Duration.ofNanos(timeoutNanos));
                    }

                    @Override
                    public void close() {
                        r.close();
                    }
                };
            }

            @Override
            public void close() {
                pool.close();
                if (owner) {
                    if (durability == Durability.PMSYNC) {
                        PmsyncStore.discardWorkingImage(path, PmsyncStore.DEFAULT_WORK_DIR);
                    }
                    LogKind.deleteTree(dir);
                }
            }
        };
    }
}
