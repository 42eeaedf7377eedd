package io.regionpm.hash;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

import io.regionpm.alloc.PoolClosedException;
import io.regionpm.core.Codecs;
import io.regionpm.core.Durability;
import io.regionpm.core.Pool;
import io.regionpm.core.PoolOptions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pool closed by one thread while others are inside map calls (gets, puts, iteration): the
 * calls in progress and every later one end with {@link PoolClosedException}, never the memory
 * API's own "already closed" or anything else.
 */
class ConcurrentCloseTest {
    @TempDir
    Path dir;

    @RepeatedTest(5)
    void callsInProgressWhenThePoolClosesFailWithPoolClosedException() throws Exception {
        Pool pool = Pool.open(dir.resolve("c.pool"), PoolOptions.create(32L << 20).withDurability(Durability.NONE));
        PersistentHashMap<Long, String> map = PersistentHashMap.open(pool, "m", Codecs.LONG, Codecs.STRING);
        PersistentLongLongHashMap longs = PersistentLongLongHashMap.open(pool, "l");
        for (long i = 0; i < 2_000; i++) {
            map.put(i, "v" + i);
            longs.put(i, i);
        }
        AtomicReference<Throwable> wrong = new AtomicReference<>();
        CountDownLatch running = new CountDownLatch(3);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int kind = t;
            threads.add(Thread.ofPlatform().start(() -> {
                running.countDown();
                try {
                    for (long i = 0; ; i++) {
                        switch (kind) {
                            case 0 -> map.get(i % 2_000);
                            case 1 -> {
                                map.put(i % 3_000, "w" + i);
                                longs.addToValue(i % 2_000, 1);
                            }
                            default -> {
                                for (var e : map.entrySet()) {
                                    e.getValue();
                                }
                                longs.getIfAbsent(i % 2_000, 0);
                            }
                        }
                    }
                } catch (PoolClosedException expected) {
                    // the only way out
                } catch (Throwable t2) {
                    wrong.compareAndSet(null, t2);
                }
            }));
        }
        running.await();
        Thread.sleep(50);
        pool.close();
        for (Thread t : threads) {
            t.join(30_000);
            assertThat(t.isAlive()).isFalse();
        }
        assertThat(wrong.get()).as("a call in progress ended with %s", wrong.get()).isNull();
    }
}
