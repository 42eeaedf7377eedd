package io.regionpm.hash;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.regionpm.alloc.PoolException;
import io.regionpm.core.Codecs;
import io.regionpm.core.Durability;
import io.regionpm.core.Pool;
import io.regionpm.core.PoolOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A map in a pool opened read-only: lock-free gets and iteration see a writer's changes; changes are refused. */
class ReadOnlyMapTest {
    @TempDir
    Path dir;

    @Test
    void aReadOnlyProcessReadsWhatAWriterWritesAndCannotChangeIt() {
        Path file = dir.resolve("ro.pool");
        try (Pool writer = Pool.open(file, PoolOptions.create(16L << 20).withDurability(Durability.NONE))) {
            PersistentHashMap<String, Long> w = PersistentHashMap.open(writer, "m", Codecs.STRING, Codecs.LONG);
            w.put("a", 1L);
            try (Pool reader = Pool.open(file, PoolOptions.forReading())) {
                PersistentHashMap<String, Long> r = PersistentHashMap.open(reader, "m", Codecs.STRING, Codecs.LONG);
                assertThat(r.get("a")).isEqualTo(1L);
                for (long i = 0; i < 2_000; i++) {
                    w.put("k" + i, i);
                }
                assertThat(r).hasSize(2_001).containsEntry("k1999", 1999L);
                assertThat(Map.copyOf(r)).isEqualTo(Map.copyOf(w));
                assertThatThrownBy(() -> r.put("b", 2L)).isInstanceOf(PoolException.class).hasMessageContaining("read-only");
                assertThatThrownBy(() -> r.remove("a")).isInstanceOf(PoolException.class).hasMessageContaining("read-only");
                assertThatThrownBy(() -> PersistentHashMap.open(reader, "new", Codecs.STRING, Codecs.LONG))
                        .isInstanceOf(PoolException.class);
                assertThat(w.get("b")).isNull();
            }
        }
    }
}
