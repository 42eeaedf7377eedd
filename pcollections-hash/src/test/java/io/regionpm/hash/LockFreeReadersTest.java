package io.regionpm.hash;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.regionpm.core.Codecs;
import io.regionpm.core.Durability;
import io.regionpm.core.Pool;
import io.regionpm.core.PoolOptions;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.testkit.Seeds;
import io.regionpm.testkit.Stress;
import io.regionpm.testkit.TempTrees;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lock-free gets and iteration against concurrent writers: writers keep replacing (SHADOW: new
 * entries, old ones freed and their blocks reused at once), resizing (values of two sizes) and
 * removing, and inserting new keys (splits); readers check that every value they get belongs to
 * the key they asked for and is not torn (each value is the key's id repeated, plus a
 * per-write stamp in every word), and that an iteration never returns a key twice. Without the
 * stripe version protocol a reader copies a freed-and-reused entry and fails here.
 */
class LockFreeReadersTest {
    private Path dir;

    @BeforeEach
    void setUp() {
        dir = TempTrees.newShmDirectory("hash-readers");
    }

    @AfterEach
    void tearDown() {
        TempTrees.deleteTree(dir);
    }

    private static byte[] value(long id, long stamp, boolean large) {
        ByteBuffer b = ByteBuffer.allocate(large ? 96 : 32);
        while (b.remaining() >= 16) {
            b.putLong(id).putLong(stamp);
        }
        return b.array();
    }

    private static String check(long id, byte[] v) {
        if (v.length != 32 && v.length != 96) {
            return "length " + v.length;
        }
        ByteBuffer b = ByteBuffer.wrap(v);
        long stamp = b.getLong(8);
        while (b.remaining() >= 16) {
            long gotId = b.getLong();
            long gotStamp = b.getLong();
            if (gotId != id || gotStamp != stamp) {
                return "word pair (" + gotId + ", " + gotStamp + ") in a value of key " + id + " stamp " + stamp;
            }
        }
        return null;
    }

    @ParameterizedTest
    @EnumSource(value = UpdateStrategy.class, names = {"SHADOW", "IN_PLACE"})
    void readersNeverSeeAnotherKeysOrATornValue(UpdateStrategy strategy) throws Exception {
        long seed = Seeds.seed("LockFreeReadersTest." + strategy);
        int keys = 400;
        long runNanos = TimeUnit.MILLISECONDS.toNanos(Stress.scale(3_000, 60_000));
        try (Pool pool = Pool.open(dir.resolve("r.pool"), PoolOptions.create(64L << 20).withDurability(Durability.NONE))) {
            PersistentHashMap<Long, byte[]> map = PersistentHashMap.open(pool, "m", Codecs.LONG, Codecs.BYTES, strategy);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<String> failure = new AtomicReference<>();
            AtomicLong reads = new AtomicLong();
            AtomicLong writes = new AtomicLong();
            AtomicLong stamps = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                Random random = new Random(seed + w);
                threads.add(Thread.ofPlatform().start(() -> {
                    while (!stop.get() && failure.get() == null) {
                        long id = random.nextInt(keys * 4);
                        if (random.nextInt(8) == 0) {
                            map.remove(id);
                        } else {
                            map.put(id, value(id, stamps.incrementAndGet(), random.nextInt(4) == 0));
                        }
                        writes.incrementAndGet();
                    }
                }));
            }
            for (int r = 0; r < 2; r++) {
                Random random = new Random(seed + 100 + r);
                int reader = r;
                threads.add(Thread.ofPlatform().start(() -> {
                    while (!stop.get() && failure.get() == null) {
                        if (reader == 1 && random.nextInt(200) == 0) {
                            java.util.Set<Long> seen = new java.util.HashSet<>();
                            for (var e : map.entrySet()) {
                                String bad = seen.add(e.getKey()) ? check(e.getKey(), e.getValue()) : "iterated twice";
                                if (bad != null) {
                                    failure.compareAndSet(null, "seed " + seed + ": iteration, key " + e.getKey() + ": " + bad);
                                }
                            }
                            continue;
                        }
                        long id = random.nextInt(keys * 4);
                        byte[] v = map.get(id);
                        if (v != null) {
                            String bad = check(id, v);
                            if (bad != null) {
                                failure.compareAndSet(null, "seed " + seed + ": get(" + id + "): " + bad);
                            }
                        }
                        reads.incrementAndGet();
                    }
                }));
            }
            long end = System.nanoTime() + runNanos;
            while (System.nanoTime() < end && failure.get() == null) {
                Thread.sleep(20);
            }
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
            System.out.printf("LockFreeReadersTest %s: %,d writes, %,d reads%n", strategy, writes.get(), reads.get());
            assertThat(failure.get()).isNull();
            assertThat(reads.get()).as("the readers ran").isPositive();
            assertThat(writes.get()).as("the writers ran").isPositive();
            assertThat(pool.check().isClean()).isTrue();
        }
    }
}
