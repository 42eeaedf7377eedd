package io.regionpm.core;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.regionpm.alloc.PoolClosedException;
import io.regionpm.alloc.PoolException;
import io.regionpm.alloc.PoolFormatException;
import io.regionpm.core.spi.CollectionHandle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Pool facade: open and create, options, names, drop, regions, transactions, stats, closed pools. */
class PoolTest {
    @TempDir
    Path dir;

    private Path p() {
        return dir.resolve("test.pool");
    }

    @Test
    void createsWhenAbsentReopensAndNeverOverwritesAForeignFile() throws IOException {
        assertThatThrownBy(() -> Pool.open(p())).isInstanceOf(PoolException.class).hasMessageContaining(p().toString());
        try (Pool pool = Pool.open(p(), PoolOptions.create(8L << 20).withLanes(4))) {
            assertThat(pool.durability()).isEqualTo(Durability.SYNC);
            assertThat(pool.names()).isEmpty();
        }
        try (Pool pool = Pool.open(p())) {
            assertThat(pool.openedClean()).as("reopen after a clean close does no recovery").isTrue();
        }
        Path empty = dir.resolve("empty.pool");
        Files.createFile(empty);
        assertThatThrownBy(() -> Pool.open(empty, PoolOptions.create(8L << 20))).isInstanceOf(PoolFormatException.class);
        assertThat(Files.size(empty)).as("a zero-length file is kept").isZero();
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "not a pool");
        assertThatThrownBy(() -> Pool.open(text, PoolOptions.create(8L << 20))).isInstanceOf(PoolFormatException.class);
        assertThat(Files.readString(text)).isEqualTo("not a pool");
    }

    @Test
    void badOptionsNameTheOption() {
        assertThatThrownBy(() -> PoolOptions.create(1000)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("size");
        assertThatThrownBy(() -> PoolOptions.create(8L << 20).withLanes(0)).hasMessageContaining("lanes");
        assertThatThrownBy(() -> PoolOptions.create(8L << 20).withMaxProcesses(0)).hasMessageContaining("maxProcesses");
        assertThatThrownBy(() -> PoolOptions.create(8L << 20).withLaneLogBytes(100)).hasMessageContaining("laneLogBytes");
        assertThatThrownBy(() -> PoolOptions.create(8L << 20).withLockTimeout(Duration.ZERO)).hasMessageContaining("lockTimeout");
        assertThatThrownBy(() -> PoolOptions.create(8L << 20).withDurability(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("durability");
    }

    @Test
    void regionsKeepTheirBytesAcrossReopenAndNamesAreChecked() {
        try (Pool pool = Pool.open(p(), PoolOptions.create(8L << 20).withLanes(4))) {
            MemorySegment r = pool.region("raw", 100_000);
            assertThat(r.byteSize()).isEqualTo(100_000);
            assertThat(r.get(ValueLayout.JAVA_LONG, 800)).as("zero-filled").isZero();
            r.set(ValueLayout.JAVA_LONG, 800, 42L);
            pool.markDirty(r, 800, 8);
            assertThat(pool.names()).containsExactly("raw");
            assertThatThrownBy(() -> pool.region("raw", 200_000)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("100000");
            assertThatThrownBy(() -> pool.openCollection("raw", "hash-map", "long", "long", null, UpdateStrategy.SHADOW))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("raw-region");
            assertThatThrownBy(() -> pool.region("", 8)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> pool.region("bad\uD800", 8)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("surrogate");
            assertThatThrownBy(() -> pool.region("x".repeat(256), 8)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> pool.markDirty(r, 99_999, 8)).isInstanceOf(IndexOutOfBoundsException.class);
        }
        try (Pool pool = Pool.open(p())) {
            MemorySegment r = pool.region("raw", 50_000);
            assertThat(r.get(ValueLayout.JAVA_LONG, 800)).isEqualTo(42L);
            long used = pool.stats().usedBytes();
            assertThat(pool.drop("raw")).isTrue();
            assertThat(pool.drop("raw")).isFalse();
            assertThat(pool.names()).isEmpty();
            assertThat(pool.stats().usedBytes()).as("the region's block is freed").isLessThan(used - 100_000);
        }
    }

    @Test
    void collectionsRememberTheirTypeCodecsAndStrategy() {
        try (Pool pool = Pool.open(p(), PoolOptions.create(8L << 20).withLanes(4))) {
            CollectionHandle h = pool.openCollection("m", "hash-map", "long", "string-utf8", null, UpdateStrategy.SHADOW);
            assertThat(h.strategy()).isEqualTo(UpdateStrategy.SHADOW);
            assertThat(pool.openCollection("m", "hash-map", "long", "string-utf8", null, UpdateStrategy.IN_PLACE).rootSlot())
                    .isEqualTo(h.rootSlot());
            assertThatThrownBy(() -> pool.openCollection("m", "hash-map", "long", "long", null, UpdateStrategy.SHADOW))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("codecs");
            assertThatThrownBy(() -> pool.openCollection("m", "hash-map", "long", "string-utf8", UpdateStrategy.IN_PLACE,
                    UpdateStrategy.SHADOW)).isInstanceOf(IllegalStateException.class).hasMessageContaining("strategy");
            assertThatThrownBy(() -> pool.openCollection("m", "b-plus-tree", "long", "string-utf8", null,
                    UpdateStrategy.SHADOW)).isInstanceOf(IllegalStateException.class).hasMessageContaining("hash-map");
        }
        try (Pool pool = Pool.open(p())) {
            assertThat(pool.names()).containsExactly("m");
            assertThat(pool.openCollection("m", "hash-map", "long", "string-utf8", null, UpdateStrategy.IN_PLACE).strategy())
                    .isEqualTo(UpdateStrategy.SHADOW);
        }
    }

    @Test
    void aTransactionIsAtomicAndRethrowsAnyThrowableUnchanged() {
        try (Pool pool = Pool.open(p(), PoolOptions.create(8L << 20).withLanes(4))) {
            long slot = pool.runtime().root().slot(100);
            Exception checked = new Exception("checked");
            assertThatThrownBy(() -> pool.transaction(() -> {
                pool.runtime().current().setLong(slot, 5);
                sneaky(checked);
            })).isSameAs(checked);
            assertThat(pool.runtime().memory().getLong(slot)).isZero();
            assertThat(pool.transaction(() -> {
                pool.transaction(() -> pool.runtime().current().setLong(slot, 7));
                return pool.runtime().current().getLong(slot);
            })).isEqualTo(7);
            assertThat(pool.runtime().memory().getLong(slot)).isEqualTo(7);
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> void sneaky(Throwable t) throws E {
        throw (E) t;
    }

    @Test
    void statsDescribeThePool() {
        try (Pool pool = Pool.open(p(), PoolOptions.create(8L << 20).withLanes(4).withDurability(Durability.NONE))) {
            pool.region("a", 100);
            pool.region("b", 200_000);
            PoolStats s = pool.stats();
            assertThat(s.size()).isEqualTo(8L << 20);
            assertThat(s.durability()).isEqualTo(Durability.NONE);
            assertThat(s.backend()).isEqualTo("SHM");
            assertThat(s.liveProcesses()).isEqualTo(1);
            assertThat(s.collections()).isEqualTo(2);
            assertThat(s.usedBytes()).isGreaterThanOrEqualTo(200_100).isEqualTo(
                    s.sizeClasses().stream().mapToLong(PoolStats.SizeClassUse::bytes).sum());
            assertThat(s.sizeClasses()).anySatisfy(c -> assertThat(c.blockSize()).isZero());
            assertThat(s.freeBytes()).isEqualTo(s.dataBytes() - s.usedBytes());
        }
    }

    @Test
    void everyPublicMethodOfAClosedPoolThrowsPoolClosed() {
        Pool pool = Pool.open(p(), PoolOptions.create(8L << 20).withLanes(4));
        MemorySegment r = pool.region("r", 64);
        pool.close();
        pool.close();
        List<Consumer<Pool>> calls = new ArrayList<>(List.of(
                Pool::names, x -> x.drop("r"), x -> x.transaction(() -> { }), x -> x.transaction(() -> 1),
                Pool::pmsync, x -> x.region("r", 64), x -> x.markDirty(r, 0, 8), Pool::stats, Pool::durability,
                Pool::runtime, Pool::openedClean, Pool::check, x -> x.repair(null),
                x -> x.openCollection("c", "t", "", "", null, UpdateStrategy.SHADOW)));
        for (Consumer<Pool> call : calls) {
            assertThatThrownBy(() -> call.accept(pool)).isInstanceOf(PoolClosedException.class);
        }
        assertThatCode(pool::path).doesNotThrowAnyException();
    }
}
