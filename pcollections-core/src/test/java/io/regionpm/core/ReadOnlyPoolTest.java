package io.regionpm.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PmsyncStore;
import io.regionpm.alloc.PoolClosedException;
import io.regionpm.alloc.PoolException;
import io.regionpm.core.spi.CollectionHandle;
import io.regionpm.core.spi.CollectionTypes;
import io.regionpm.recovery.check.CheckReport;
import io.regionpm.testkit.ChildJvm;
import io.regionpm.testkit.TempTrees;

/** {@link PoolOptions#readOnly()}: a read-only open never writes a byte of the pool's files. */
class ReadOnlyPoolTest {
    private static final long SIZE = 16L << 20;

    @TempDir
    Path dir;
    private Path work;

    @BeforeEach
    void workDir() {
        CollectionTypes.register(ChainType.INSTANCE);
        work = TempTrees.newShmDirectory("pcollections-readonly-test");
    }

    @AfterEach
    void deleteWorkDir() {
        TempTrees.deleteTree(work);
    }

    private PoolOptions create(Durability durability) {
        return PoolOptions.create(SIZE).withDurability(durability).withWorkDir(work).withLanes(8);
    }

    private PoolOptions reading() {
        return PoolOptions.forReading().withWorkDir(work);
    }

    /** A pool with a region "r" holding 0..511 as longs and a collection entry "c". */
    private Path populated(Durability durability) {
        Path p = dir.resolve("ro-" + durability + ".pool");
        try (Pool pool = Pool.open(p, create(durability))) {
            MemorySegment r = pool.region("r", 4096);
            for (int i = 0; i < 512; i++) {
                r.setAtIndex(ValueLayout.JAVA_LONG, i, i);
            }
            pool.markDirty(r, 0, 4096);
            ChainType.build(pool, "c", 3);
            pool.pmsync();
        }
        return p;
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                md.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> a = Files.list(dir); Stream<Path> b = Files.list(work)) {
            return Stream.concat(a, b).sorted().toList();
        }
    }

    private static void readEverything(Pool pool) {
        assertThat(pool.names()).containsExactlyInAnyOrder("r", "c");
        PoolStats stats = pool.stats();
        assertThat(stats.usedBytes()).isPositive();
        CheckReport report = pool.check();
        assertThat(report.isClean()).as(report.toString()).isTrue();
        MemorySegment r = pool.region("r", 4096);
        assertThat(r.isReadOnly()).isTrue();
        assertThat(r.getAtIndex(ValueLayout.JAVA_LONG, 511)).isEqualTo(511L);
        CollectionHandle c = pool.openCollection("c", ChainType.NAME, "", "", null, UpdateStrategy.APPEND);
        assertThat(c.strategy()).isEqualTo(UpdateStrategy.IN_PLACE);
        assertThat(ChainType.length(pool, c.rootSlot())).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void aReadOnlyOpenUseAndCloseLeavesEveryFileByteForByteTheSame(Durability durability) throws IOException {
        Path p = populated(durability);
        List<Path> before = files();
        String hash = sha256(p);
        try (Pool pool = Pool.open(p, reading())) {
            readEverything(pool);
            assertThat(pool.durability()).isEqualTo(durability);
        }
        assertThat(sha256(p)).isEqualTo(hash);
        assertThat(files()).as("no journal, working image or control file created").isEqualTo(before);
    }

    @Test
    void aFileTheUserMayOnlyReadOpensReadOnly() throws IOException {
        Path p = populated(Durability.SYNC);
        String hash = sha256(p);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("r--r--r--"));
        boolean permissionsBind = false;
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            assertThat(ch.isOpen()).as("only root opens a 0444 file for writing").isTrue();
        } catch (AccessDeniedException e) {
            permissionsBind = true;
        }
        if (permissionsBind) {
            assertThatThrownBy(() -> Pool.open(p).close()).isInstanceOf(PoolException.class);
        }
        try (Pool pool = Pool.open(p, reading())) {
            readEverything(pool);
        }
        assertThat(sha256(p)).as("as root the permission proves nothing, but no byte may change").isEqualTo(hash);
    }

    @Test
    void aReaderSeesWhatAWriterInTheSameJvmDoesAsItDoesIt() {
        Path p = dir.resolve("shared.pool");
        try (Pool writer = Pool.open(p, create(Durability.SYNC)); Pool reader = Pool.open(p, reading())) {
            assertThat(reader.names()).isEmpty();
            MemorySegment w = writer.region("a", 64);
            assertThat(reader.names()).containsExactly("a");
            MemorySegment r = reader.region("a", 64);
            w.set(ValueLayout.JAVA_LONG, 8, 77L);
            assertThat(r.get(ValueLayout.JAVA_LONG, 8)).isEqualTo(77L);
            writer.region("b", 64);
            assertThat(writer.drop("a")).isTrue();
            assertThat(reader.names()).containsExactly("b");
            assertThat(reader.stats().liveProcesses()).as("the reader is not registered").isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void aPmsyncReaderSeesTheWorkingImageAWriterKeepsUpdating(Durability durability) {
        Path p = dir.resolve("image-" + durability + ".pool");
        try (Pool writer = Pool.open(p, create(durability)); Pool reader = Pool.open(p, reading())) {
            writer.region("unsynced", 64);
            assertThat(reader.names()).containsExactly("unsynced");
        }
    }

    @Test
    void withoutAWorkingImageAPmsyncReaderReadsThePoolFileAsOfTheLastPmsync() throws IOException {
        Path p = populated(Durability.PMSYNC);
        try (Pool writer = Pool.open(p, create(Durability.PMSYNC))) {
            writer.region("lost", 64);
        }
        assertThat(PmsyncStore.discardWorkingImage(p, work)).isTrue();
        String hash = sha256(p);
        try (Pool pool = Pool.open(p, reading())) {
            readEverything(pool);
        }
        assertThat(sha256(p)).isEqualTo(hash);
        try (Stream<Path> left = Files.list(work)) {
            assertThat(left).as("a reader builds no working image").isEmpty();
        }
    }

    @Test
    void everyMutatingMethodThrowsNamingReadOnly() {
        Path p = populated(Durability.SYNC);
        try (Pool pool = Pool.open(p, reading())) {
            MemorySegment r = pool.region("r", 4096);
            CheckReport report = pool.check();
            List<ThrowingCallable> writes = List.of(
                    () -> pool.drop("r"),
                    () -> pool.transaction(() -> { }),
                    () -> pool.transaction(() -> 1),
                    pool::pmsync,
                    () -> pool.region("new", 64),
                    () -> pool.markDirty(r, 0, 8),
                    () -> pool.repair(report),
                    () -> pool.openCollection("new", ChainType.NAME, "", "", null, UpdateStrategy.IN_PLACE),
                    () -> pool.runtime().transaction(() -> { }),
                    () -> pool.runtime().recoverDeadLanes());
            for (ThrowingCallable write : writes) {
                assertThatThrownBy(write).isInstanceOf(PoolException.class).hasMessageContaining("read-only");
            }
            PersistentMemory pm = pool.runtime().memory();
            assertThat(pm.isReadOnly()).isTrue();
            assertThatThrownBy(() -> pm.setLong(0, 1)).isInstanceOf(PoolException.class).hasMessageContaining("read-only");
            assertThatThrownBy(() -> r.set(ValueLayout.JAVA_LONG, 0, 1L)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("read-only");
            assertThat(pool.names()).containsExactlyInAnyOrder("r", "c");
        }
    }

    @Test
    void aReadOnlyOpenNeverCreatesAPool() {
        Path p = dir.resolve("missing.pool");
        assertThatThrownBy(() -> Pool.open(p, reading())).isInstanceOf(PoolException.class)
                .hasMessageContaining("no such pool file");
        assertThat(p).doesNotExist();
    }

    @Test
    void aClosedReadOnlyPoolThrowsPoolClosedException() {
        Path p = populated(Durability.SYNC);
        Pool pool = Pool.open(p, reading());
        pool.close();
        pool.close();
        for (ThrowingCallable call : List.<ThrowingCallable>of(pool::names, pool::stats, pool::check,
                () -> pool.region("r", 64), () -> pool.drop("r"), pool::durability, pool::pmsync)) {
            assertThatThrownBy(call).isInstanceOf(PoolClosedException.class);
        }
    }

    /** Child: opens the pool, writes the region's first word in place in a transaction, and hangs there. */
    public static final class HalfDoneChild {
        public static void main(String[] args) throws InterruptedException {
            Pool pool = Pool.open(Path.of(args[0]), PoolOptions.create(SIZE));
            MemorySegment r = pool.region("r", 4096);
            long at = pool.runtime().memory().offsetOf(r);
            pool.transaction(() -> {
                pool.runtime().current().snapshot(at, 8);
                pool.runtime().memory().setLong(at, -1);
                pool.runtime().memory().persist(at, 8);
                System.out.println("INSIDE");
                try {
                    Thread.sleep(Duration.ofMinutes(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }

    @Test
    void aPoolWithAKilledWritersOperationInFlightIsRefusedUntilOpenedReadWrite() throws IOException {
        Path p = populated(Durability.SYNC);
        try (ChildJvm child = ChildJvm.start(HalfDoneChild.class, p.toString())) {
            child.awaitLine("INSIDE", Duration.ofSeconds(60));
            child.killHard();
            child.awaitExit(Duration.ofSeconds(30));
        }
        String hash = sha256(p);
        assertThatThrownBy(() -> Pool.open(p, reading())).isInstanceOf(PoolException.class)
                .hasMessageContaining("open the pool read-write once");
        assertThat(sha256(p)).as("the refused open wrote nothing").isEqualTo(hash);
        try (Pool recovering = Pool.open(p)) {
            assertThat(recovering.openedClean()).isFalse();
        }
        try (Pool pool = Pool.open(p, reading())) {
            assertThat(pool.region("r", 4096).get(ValueLayout.JAVA_LONG, 0)).as("the write was undone").isZero();
            assertThat(pool.openedClean()).isTrue();
        }
    }
}
