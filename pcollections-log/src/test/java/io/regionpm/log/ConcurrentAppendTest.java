package io.regionpm.log;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.regionpm.core.Codecs;
import io.regionpm.core.Durability;
import io.regionpm.core.Pool;
import io.regionpm.core.PoolOptions;
import io.regionpm.testkit.Seeds;
import io.regionpm.testkit.Stress;
import io.regionpm.testkit.TempTrees;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Four appender threads (single appends and small batches) while two readers tail the log with
 * {@link LogReader#poll}: every reader sees every record exactly once, in increasing position
 * order, each appender's records in its own order, and none torn (every record carries its
 * writer, sequence number and a body derived from them).
 */
class ConcurrentAppendTest {
    private static final int WRITERS = 4;
    private static final int READERS = 2;
    private Path dir;

    @BeforeEach
    void setUp() {
        dir = TempTrees.newShmDirectory("log-concurrent");
    }

    @AfterEach
    void tearDown() {
        TempTrees.deleteTree(dir);
    }

    static byte[] record(int writer, int seq, int length) {
        ByteBuffer b = ByteBuffer.allocate(8 + length);
        b.putInt(writer).putInt(seq);
        for (int i = 0; i < length; i++) {
            b.put((byte) (writer * 31 + seq + i));
        }
        return b.array();
    }

    static void checkRecord(byte[] r, int expectedSeq, String where) {
        ByteBuffer b = ByteBuffer.wrap(r);
        int writer = b.getInt();
        int seq = b.getInt();
        assertThat(seq).as(where + " writer " + writer + " sequence").isEqualTo(expectedSeq);
        for (int i = 0; i < r.length - 8; i++) {
            assertThat(b.get()).as(where + " byte " + i).isEqualTo((byte) (writer * 31 + seq + i));
        }
    }

    @Test
    void tailingReadersSeeEveryRecordOnceInOrderAndNoneTorn() throws Exception {
        long seed = Seeds.seed("ConcurrentAppendTest");
        int perWriter = Stress.scale(20_000, 500_000);
        try (Pool pool = Pool.open(dir.resolve("c.pool"), PoolOptions.create(256L << 20).withDurability(Durability.NONE))) {
            PersistentLog<byte[]> log = PersistentLog.open(pool, "events", Codecs.BYTES);
            ExecutorService threads = Executors.newFixedThreadPool(WRITERS + READERS);
            try {
                List<Future<?>> readers = new ArrayList<>();
                for (int r = 0; r < READERS; r++) {
                    readers.add(threads.submit(() -> tail(log, perWriter, "reader")));
                }
                List<Future<?>> writers = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    int writer = w;
                    writers.add(threads.submit(() -> write(log, writer, perWriter, new Random(seed + writer))));
                }
                for (Future<?> f : writers) {
                    f.get(5, TimeUnit.MINUTES);
                }
                for (Future<?> f : readers) {
                    f.get(5, TimeUnit.MINUTES);
                }
            } finally {
                threads.shutdownNow();
            }
            assertThat(log.stream().count()).isEqualTo((long) WRITERS * perWriter);
            assertThat(pool.check().isClean()).isTrue();
        }
    }

    private static void write(PersistentLog<byte[]> log, int writer, int count, Random random) {
        int seq = 0;
        while (seq < count) {
            if (random.nextInt(10) == 0 && count - seq >= 3) {
                List<byte[]> batch = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    batch.add(record(writer, seq++, random.nextInt(200)));
                }
                log.appendAll(batch);
            } else {
                log.append(record(writer, seq++, random.nextInt(random.nextInt(50) == 0 ? 20_000 : 200)));
            }
        }
    }

    private static void tail(PersistentLog<byte[]> log, int perWriter, String where) {
        int[] next = new int[WRITERS];
        long last = -1;
        try (LogReader<byte[]> reader = log.reader(0)) {
            for (long seen = 0; seen < (long) WRITERS * perWriter; seen++) {
                long position = reader.position();
                byte[] r = reader.poll(Duration.ofSeconds(30));
                assertThat(r).as(where + " record " + seen + " came in time").isNotNull();
                assertThat(position).as(where + " positions increase").isGreaterThan(last);
                last = position;
                int writer = ByteBuffer.wrap(r).getInt();
                checkRecord(r, next[writer]++, where);
            }
            assertThat(reader.poll(Duration.ofMillis(20))).as(where + " nothing more").isNull();
        }
    }
}
