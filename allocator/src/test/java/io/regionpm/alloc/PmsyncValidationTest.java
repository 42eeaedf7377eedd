package io.regionpm.alloc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Opening a {@code PMSYNC} pool refuses what does not belong to it, naming the file: a pool
 * of another durability, a missing or invalid pool file, a control file or working image of
 * another pool or damaged, and a working image whose control file is gone. A working image
 * deleted while no process has the pool open is rebuilt as after a power loss.
 */
class PmsyncValidationTest {
    private static final long POOL_BYTES = 4L << 20;

    @TempDir
    Path dir;

    private PmsyncFixture fx;

    @BeforeEach
    void createPool() {
        fx = PmsyncFixture.create(dir, POOL_BYTES, 4);
    }

    @AfterEach
    void deleteWorkingFiles() {
        fx.close();
    }

    @Test
    void theWorkingFilesArePrivateNamedAfterThePoolAndPlacedInTheWorkDir() throws IOException {
        try (PmsyncStore store = fx.open()) {
            String uuid = store.descriptor().uuid().toString();
            for (Path p : new Path[] {store.workingImage(), store.controlFile()}) {
                assertThat(p.getParent()).isEqualTo(fx.workDir);
                assertThat(p.getFileName().toString()).startsWith("pcol-" + uuid + "-");
                assertThat(Files.getPosixFilePermissions(p)).isEqualTo(Set.of(PosixFilePermission.OWNER_READ,
                        PosixFilePermission.OWNER_WRITE));
            }
            assertThat(Files.getPosixFilePermissions(PmsyncStore.journalPath(fx.pool))).isEqualTo(Set.of(
                    PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
            assertThat(fileCount(fx.workDir)).as("only the image and the control file").isEqualTo(2);
        }
    }

    @Test
    void aPoolOfAnotherDurabilityAMissingPoolAndAnInvalidOneAreRefused() throws IOException {
        Path sync = dir.resolve("sync.pool");
        PoolFile.create(sync, PoolSpec.of(POOL_BYTES)).close();
        assertThatThrownBy(() -> PmsyncStore.open(sync, fx.workDir)).isInstanceOf(PoolException.class)
                .hasMessageContaining(sync.toString()).hasMessageContaining("SYNC, not PMSYNC");
        Path missing = dir.resolve("missing.pool");
        assertThatThrownBy(() -> PmsyncStore.open(missing, fx.workDir)).isInstanceOf(PoolException.class)
                .hasMessageContaining(missing + ": no such pool file");
        Path empty = Files.createFile(dir.resolve("empty.pool"));
        assertThatThrownBy(() -> PmsyncStore.open(empty, fx.workDir)).isInstanceOf(PoolFormatException.class)
                .hasMessageContaining("zero-length");
        assertThat(Files.size(empty)).isZero();
        assertThat(fileCount(fx.workDir)).as("nothing made for refused pools").isZero();
    }

    @Test
    void aDamagedControlFileIsRefusedNamingIt() throws IOException {
        Path control;
        try (PmsyncStore store = fx.open()) {
            control = store.controlFile();
        }
        flipByte(control, 20);
        assertThatThrownBy(fx::open).isInstanceOf(PoolFormatException.class)
                .hasMessageContaining(control.toString()).hasMessageContaining("checksum");
        Files.write(control, new byte[100]);
        assertThatThrownBy(fx::open).isInstanceOf(PoolFormatException.class)
                .hasMessageContaining(control.toString()).hasMessageContaining("not a pmsync control file");
    }

    @Test
    void anotherPoolsWorkingImageIsRefusedNamingIt() throws IOException {
        Path image;
        try (PmsyncStore store = fx.open()) {
            image = store.workingImage();
        }
        try (PmsyncFixture other = PmsyncFixture.create(dir, POOL_BYTES, 4)) {
            Files.copy(other.pool, image, StandardCopyOption.REPLACE_EXISTING);
        }
        assertThatThrownBy(fx::open).isInstanceOf(PoolFormatException.class)
                .hasMessageContaining(image.toString()).hasMessageContaining("working image of another pool");
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.WRITE)) {
            ch.truncate(POOL_BYTES / 2);
        }
        assertThatThrownBy(fx::open).isInstanceOf(PoolFormatException.class)
                .hasMessageContaining(image.toString()).hasMessageContaining("truncated");
    }

    @Test
    void aWorkingImageWithoutItsControlFileIsRefused() throws IOException {
        Path control;
        Path image;
        try (PmsyncStore store = fx.open()) {
            PmsyncPages.stamp(store.memory(), fx.firstDataPage(), 1);
            control = store.controlFile();
            image = store.workingImage();
        }
        Files.delete(control);
        assertThatThrownBy(fx::open).isInstanceOf(PoolFormatException.class).hasMessageContaining(image.toString())
                .hasMessageContaining("without its control file");
        Files.delete(image);
        try (PmsyncStore store = fx.open()) {
            assertThat(PmsyncPages.read(store.memory(), fx.firstDataPage())).isZero();
        }
    }

    @Test
    void aWorkingImageDeletedWhileNobodyHasThePoolOpenIsRebuiltAsAfterAPowerLoss() throws IOException {
        int page = fx.firstDataPage();
        try (PmsyncStore store = fx.open()) {
            PmsyncPages.stamp(store.memory(), page, 1);
            store.pmsync();
            PmsyncPages.stamp(store.memory(), page, 2);
            PmsyncPages.stamp(store.memory(), page + 1, 2);
            Files.delete(store.workingImage());
            try (PmsyncStore second = PmsyncStore.open(fx.pool, fx.workDir)) {
                throw new AssertionError("opened " + second.workingImage() + " while the deleted image is in use");
            } catch (PoolException e) {
                assertThat(e).hasMessageContaining("was deleted while processes");
            }
        }
        try (PmsyncStore store = fx.open()) {
            assertThat(PmsyncPages.read(store.memory(), page)).isEqualTo(1);
            assertThat(PmsyncPages.read(store.memory(), page + 1)).isZero();
            assertThat(store.dirtyPages()).as("the lost image's dirty bits are forgotten").isZero();
        }
    }

    @Test
    void everyMethodOfAClosedStoreThrowsPoolClosedException() {
        PmsyncStore store = fx.open();
        store.close();
        store.close();
        assertThatThrownBy(store::memory).isInstanceOf(PoolClosedException.class);
        assertThatThrownBy(store::pmsync).isInstanceOf(PoolClosedException.class);
        assertThatThrownBy(() -> store.enterOperation(0)).isInstanceOf(PoolClosedException.class);
        assertThatThrownBy(store::enterOperation).isInstanceOf(PoolClosedException.class);
        assertThatThrownBy(store::dirtyPages).isInstanceOf(PoolClosedException.class);
    }

    private static long fileCount(Path directory) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.list(directory)) {
            return files.count();
        }
    }

    private static void flipByte(Path file, long at) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x40));
            ch.write(b.clear(), at);
        }
    }
}
