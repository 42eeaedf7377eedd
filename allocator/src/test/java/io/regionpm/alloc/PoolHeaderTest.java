package io.regionpm.alloc;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PoolHeaderTest {
    private static final long SIZE = 1L << 20;

    @TempDir
    Path dir;

    private Path newPool() {
        Path p = dir.resolve("p.pool");
        PoolFile.create(p, PoolSpec.of(SIZE)).close();
        return p;
    }

    static Stream<Arguments> fields() {
        // field offset, width, value to write, expected message part (checksum fixed up)
        return Stream.of(
                Arguments.of(PoolHeader.CHECKED_BYTES, 4, 64L, "bytes under checksum is 64"),
                Arguments.of(PoolHeader.SIZE, 8, SIZE * 2, "the header says " + SIZE * 2),
                Arguments.of(PoolHeader.DURABILITY, 4, 7L, "durability code is 7"),
                Arguments.of(PoolHeader.LANES, 4, 0L, "lanes must be between 1 and 1024: 0"),
                Arguments.of(PoolHeader.SUPERBLOCK_SIZE, 4, 4096L, "superblock size is 4096"),
                Arguments.of(PoolHeader.BITMAP_BYTES, 4, 8L, "bitmap bytes per superblock is 8"),
                Arguments.of(PoolHeader.LANE_TABLE, 8, 8192L, "lane table offset is 8192"),
                Arguments.of(PoolHeader.STATE_TABLE, 8, 1L, "superblock table offset is 1"),
                Arguments.of(PoolHeader.SUPERBLOCKS, 8, 99L, "superblock count is 99"),
                Arguments.of(PoolHeader.BITMAPS, 8, 5L, "bitmap region offset is 5"),
                Arguments.of(PoolHeader.DATA, 8, 123L, "data region offset is 123"),
                Arguments.of(PoolHeader.ROOT, 8, 4096L, "root area offset is 4096"),
                Arguments.of(PoolHeader.REGISTRY, 8, 64L, "process registry offset is 64"),
                Arguments.of(PoolHeader.REGISTRY_ENTRIES, 4, 0L, "registry entries must be between 1 and 4095: 0"),
                Arguments.of(PoolHeader.LANE_LOG_BYTES, 4, 100L, "lane log bytes must be a multiple of 4096"),
                Arguments.of(PoolHeader.LANE_LOGS, 8, 8L, "lane log region offset is 8"));
    }

    @ParameterizedTest
    @MethodSource("fields")
    void eachCorruptedFieldIsRefusedByTheChecksum(long offset, int width, long value, String ignored) throws IOException {
        Path p = newPool();
        write(p, offset, width, value);
        assertThatThrownBy(() -> PoolFile.open(p)).isInstanceOf(PoolFormatException.class)
                .hasMessageContaining(p.toString()).hasMessageContaining("header checksum mismatch");
    }

    @ParameterizedTest
    @MethodSource("fields")
    void eachCorruptedFieldIsNamedWhenTheChecksumWasRecomputed(long offset, int width, long value, String message)
            throws IOException {
        Path p = newPool();
        write(p, offset, width, value);
        fixChecksum(p);
        assertThatThrownBy(() -> PoolFile.open(p)).isInstanceOf(PoolFormatException.class)
                .hasMessageContaining(p.toString()).hasMessageContaining(message);
    }

    @Test
    void aFlippedUuidByteIsACheckMismatch() throws IOException {
        Path p = newPool();
        write(p, PoolHeader.UUID_MSB, 1, 0x5A);
        assertThatThrownBy(() -> PoolFile.open(p)).isInstanceOf(PoolFormatException.class)
                .hasMessageContaining("header checksum mismatch");
    }

    @Test
    void badMagicIsNotAPool() throws IOException {
        Path p = newPool();
        write(p, 0, 8, 0x1234L);
        assertThatThrownBy(() -> PoolFile.open(p)).isInstanceOf(PoolFormatException.class)
                .hasMessageContaining("not a pool");
    }

    @Test
    void newerFormatVersionIsNamed() throws IOException {
        Path p = newPool();
        write(p, PoolHeader.VERSION, 4, PoolHeader.FORMAT_VERSION + 1);
        assertThatThrownBy(() -> PoolFile.open(p)).isInstanceOf(PoolFormatException.class)
                .hasMessageContaining("newer format version " + (PoolHeader.FORMAT_VERSION + 1));
    }

    @Test
    void olderPreReleaseVersionIsRefusedClearly() throws IOException {
        Path p = newPool();
        write(p, PoolHeader.VERSION, 4, 1);
        fixChecksum(p);
        assertThatThrownBy(() -> PoolFile.open(p)).isInstanceOf(PoolFormatException.class)
                .hasMessageContaining("format version 1 was written by a pre-release");
    }

    @Test
    void versionZeroIsUnknown() throws IOException {
        Path p = newPool();
        write(p, PoolHeader.VERSION, 4, 0);
        assertThatThrownBy(() -> PoolFile.open(p)).isInstanceOf(PoolFormatException.class)
                .hasMessageContaining("unknown format version 0");
    }

    @Test
    void zeroLengthFileIsRefusedAndKept() throws IOException {
        Path p = Files.createFile(dir.resolve("empty.pool"));
        assertThatThrownBy(() -> PoolFile.open(p)).isInstanceOf(PoolFormatException.class)
                .hasMessageContaining("zero-length");
        assertThatThrownBy(() -> PoolFile.openOrCreate(p, PoolSpec.of(SIZE))).isInstanceOf(PoolFormatException.class);
        assertThat(Files.size(p)).isZero();
    }

    @Test
    void truncatedPoolIsNamedWithBothSizes() throws IOException {
        Path p = newPool();
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.truncate(SIZE / 2);
        }
        assertThatThrownBy(() -> PoolFile.open(p)).isInstanceOf(PoolFormatException.class)
                .hasMessageContaining("truncated").hasMessageContaining(Long.toString(SIZE))
                .hasMessageContaining(Long.toString(SIZE / 2));
    }

    @Test
    void fileCutInsideTheHeaderIsTruncated() throws IOException {
        Path p = newPool();
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.truncate(100);
        }
        assertThatThrownBy(() -> PoolFile.open(p)).isInstanceOf(PoolFormatException.class)
                .hasMessageContaining("truncated: 100 bytes");
    }

    @Test
    void grownFileIsASizeMismatch() throws IOException {
        Path p = newPool();
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(1), SIZE + 4095);
        }
        assertThatThrownBy(() -> PoolFile.open(p)).isInstanceOf(PoolFormatException.class)
                .hasMessageContaining("size mismatch");
    }

    @Test
    void randomBytesAreNotAPool() throws IOException {
        byte[] junk = new byte[1 << 16];
        new Random(42).nextBytes(junk);
        Path p = Files.write(dir.resolve("junk.pool"), junk);
        assertThatThrownBy(() -> PoolFile.open(p)).isInstanceOf(PoolFormatException.class)
                .hasMessageContaining("not a pool");
        assertThat(Files.readAllBytes(p)).isEqualTo(junk);
    }

    @Test
    void missingFileIsAPoolExceptionNamingThePath() {
        Path p = dir.resolve("missing.pool");
        assertThatThrownBy(() -> PoolFile.open(p)).isInstanceOf(PoolException.class)
                .hasMessageContaining(p.toString()).hasMessageContaining("no such pool file");
    }

    @Test
    void createRefusesAnExistingFile() throws IOException {
        Path p = Files.write(dir.resolve("taken.pool"), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> PoolFile.create(p, PoolSpec.of(SIZE))).isInstanceOf(PoolException.class)
                .hasMessageContaining("already exists");
        assertThat(Files.readAllBytes(p)).containsExactly(1, 2, 3);
    }

    @Test
    void newPoolsAreOwnerOnlySparseAndReopenWithTheSameIdentity() throws IOException {
        Path p = dir.resolve("big.pool");
        long size = 64L << 30;
        PoolDescriptor created;
        try (PoolFile f = PoolFile.create(p, PoolSpec.of(size).withDurability(PoolSpec.PMSYNC).withLanes(8))) {
            created = f.descriptor();
        }
        assertThat(Files.getPosixFilePermissions(p))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.size(p)).isEqualTo(size);
        assertThat(allocatedBytes(p)).as("sparse").isLessThan(64L << 20);
        try (PoolFile f = PoolFile.open(p)) {
            assertThat(f.descriptor()).isEqualTo(created);
            assertThat(f.descriptor().durability()).isEqualTo(PoolSpec.PMSYNC);
            assertThat(f.descriptor().geometry().laneCount()).isEqualTo(8);
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).containsExactly(p);
        }
    }

    @Test
    void backEndsAreProbedAndAForcedDaxOnAnOrdinaryFileSystemIsRefused() {
        Path p = newPool();
        try (PoolFile f = PoolFile.open(p)) {
            assertThat(f.memory().backendKind()).as("ext4 or similar under the temp dir").isIn(BackendKind.FILE, BackendKind.SHM);
        }
        try (PoolFile f = PoolFile.open(p, BackendKind.FILE)) {
            assertThat(f.memory().backendKind()).isEqualTo(BackendKind.FILE);
        }
        if (!"tmpfs".equals(fileStoreType(p))) {
            assertThatThrownBy(() -> PoolFile.open(p, BackendKind.DAX)).isInstanceOf(PoolException.class)
                    .hasMessageContaining("MAP_SYNC");
        }
    }

    private static String fileStoreType(Path p) {
        try {
            return Files.getFileStore(p).type();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void badSpecsNameTheOption() {
        assertThatThrownBy(() -> PoolSpec.of(1000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("size");
        assertThatThrownBy(() -> PoolSpec.of(SIZE).withLanes(0)).hasMessageContaining("lanes");
        assertThatThrownBy(() -> PoolSpec.of(SIZE).withDurability(9)).hasMessageContaining("durability");
    }

    private static long allocatedBytes(Path p) throws IOException {
        Process stat = new ProcessBuilder("stat", "--format=%b %B", p.toString()).start();
        String[] out = new String(stat.getInputStream().readAllBytes()).trim().split(" ");
        return Long.parseLong(out[0]) * Long.parseLong(out[1]);
    }

    private static void write(Path p, long offset, int width, long value) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(width).order(ByteOrder.LITTLE_ENDIAN);
        switch (width) {
            case 1 -> b.put((byte) value);
            case 4 -> b.putInt((int) value);
            default -> b.putLong(value);
        }
        b.flip();
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.write(b, offset);
        }
    }

    private static void fixChecksum(Path p) throws IOException {
        ByteBuffer head = ByteBuffer.allocate((int) PoolHeader.CRC);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ch.read(head, 0);
        }
        head.flip();
        write(p, PoolHeader.CRC, 4, PoolHeader.checksum(MemorySegment.ofBuffer(head)));
    }
}
