package io.regionpm.alloc.internal.pmsync;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolException;
import io.regionpm.alloc.PoolFormatException;
import io.regionpm.alloc.PoolHeader;
import io.regionpm.alloc.internal.ShmBackend;

/**
 * The control file of a {@code PMSYNC} pool: a small tmpfs file beside the working image,
 * mapped by every process that has the pool open. It holds what must be shared but must not
 * be in the pool's bytes: the pmsync mutex, the quiesce barrier, the dirty-page bitmaps.
 *
 * <pre>
 * header (page 0, immutable)            | control words (page 1)
 * |  0 |  8 | magic "PCOLPMSC"          | | 4096 | 8 | pmsync mutex owner (process token)
 * |  8 |  4 | version (1)               | | 4104 | 4 | mutex sequence (futex)
 * | 16 | 16 | pool UUID                 | | 4108 | 4 | mutex waiters
 * | 32 |  8 | pool size                 | | 4112 | 4 | quiesce (futex): odd while quiescing
 * | 40 |  8 | pool file key hash        | | 4116 | 4 | exit sequence (futex)
 * | 48 | 16 | boot id                   | | 4120 | 4 | image state: 0 none, 1 ready, 2 discarded
 * | 64 |  4 | lanes                     | | 4124 | 4 | journal state: 1 may hold a commit
 * | 68 |  4 | process entries           | | 4128 | 8 | pmsyncs started
 * | 72 |  8 | file size                 | | 4136 | 8 | last completed pmsync
 * | 80 |  4 | CRC32C of bytes 0..79     | | 4144 | 8 | pages written by pmsync (total)
 * </pre>
 * Then, each region page aligned ({@link ControlLayout}): lane words, process entries, and
 * the dirty and in-flight bitmaps with their summaries.
 *
 * <p>Created complete under a temporary name and hard-linked into place, so the name never
 * shows a half-made file. Thread- and process-safety: the words are used atomically by the
 * classes of this package.
 */
public final class ControlFile {
    /** "PCOLPMSC" read as a little-endian long. */
    public static final long MAGIC = 0x43534D504C4F4350L;
    /** The version this library writes and reads. */
    public static final int VERSION = 1;
    static final long VERSION_AT = 8, UUID_MSB = 16, UUID_LSB = 24, POOL_SIZE = 32, POOL_KEY = 40, BOOT_MSB = 48,
            BOOT_LSB = 56, LANES = 64, ENTRIES = 68, TOTAL = 72, CRC = 80;
    /** Control words. */
    public static final long MUTEX_OWNER = 4096, MUTEX_SEQUENCE = 4104, MUTEX_WAITERS = 4108, QUIESCE = 4112,
            EXIT_SEQUENCE = 4116, IMAGE_STATE = 4120, JOURNAL_STATE = 4124, STARTED = 4128, COMPLETED = 4136,
            PAGES_WRITTEN = 4144;
    /** Image states. */
    public static final int IMAGE_NONE = 0, IMAGE_READY = 1, IMAGE_DISCARDED = 2;
    private static final int ATTEMPTS = 8;

    private final Path path;
    private final PersistentMemory memory;
    private final ControlLayout layout;

    private ControlFile(Path path, PersistentMemory memory, ControlLayout layout) {
        this.path = path;
        this.memory = memory;
        this.layout = layout;
    }

    /**
     * Maps the control file, creating it if there is none.
     *
     * @param path  where it lives
     * @param id    the pool and boot it must belong to
     * @param arena the arena that owns the mapping
     * @return the mapped control file
     * @throws PoolFormatException naming the file if it belongs to something else or is damaged
     */
    public static ControlFile openOrCreate(Path path, ControlIdentity id, Arena arena) {
        ControlLayout layout = ControlLayout.of(id.poolSize(), id.lanes(), id.entries());
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                validate(ch, path, id, layout);
                Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
                MemorySegment seg = ch.map(FileChannel.MapMode.READ_WRITE, 0, layout.total(), arena);
                return new ControlFile(path, PersistentMemory.of(seg, new ShmBackend(key)), layout);
            } catch (NoSuchFileException e) {
                create(path, id, layout);
            } catch (IOException e) {
                throw new PoolException(path + ": cannot open the pmsync control file: " + e.getMessage(), e);
            }
        }
        throw new PoolException(path + ": the pmsync control file keeps disappearing while it is opened");
    }

    private static void create(Path path, ControlIdentity id, ControlLayout layout) {
        Path tmp = path.resolveSibling(path.getFileName() + ".creating-" + UUID.randomUUID());
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.allocate(1), layout.total() - 1);
                ch.write(header(id, layout), 0);
            }
            Files.createLink(path, tmp);
        } catch (FileAlreadyExistsException e) {
            // another process made it first: use theirs
        } catch (IOException e) {
            throw new PoolException(path + ": cannot create the pmsync control file: " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                // a leftover temporary file is named as such and harmless
            }
        }
    }

    private static ByteBuffer header(ControlIdentity id, ControlLayout layout) {
        ByteBuffer h = ByteBuffer.allocate((int) CRC + 4).order(ByteOrder.LITTLE_ENDIAN);
        h.putLong(0, MAGIC).putInt((int) VERSION_AT, VERSION);
        h.putLong((int) UUID_MSB, id.pool().getMostSignificantBits()).putLong((int) UUID_LSB,
                id.pool().getLeastSignificantBits());
        h.putLong((int) POOL_SIZE, id.poolSize()).putLong((int) POOL_KEY, id.poolKey());
        h.putLong((int) BOOT_MSB, id.boot().getMostSignificantBits()).putLong((int) BOOT_LSB,
                id.boot().getLeastSignificantBits());
        h.putInt((int) LANES, id.lanes()).putInt((int) ENTRIES, id.entries()).putLong((int) TOTAL, layout.total());
        h.putInt((int) CRC, PoolHeader.checksum(MemorySegment.ofBuffer(h.slice(0, (int) CRC))));
        return h;
    }

    private static void validate(FileChannel ch, Path path, ControlIdentity id, ControlLayout layout)
            throws IOException {
        ByteBuffer h = ByteBuffer.allocate((int) CRC + 4).order(ByteOrder.LITTLE_ENDIAN);
        long size = ch.size();
        while (h.hasRemaining() && ch.read(h, h.position()) > 0) {
            // read the header
        }
        if (h.hasRemaining() || h.getLong(0) != MAGIC) {
            throw new PoolFormatException(path + ": not a pmsync control file (no magic number)");
        }
        if (h.getInt((int) VERSION_AT) != VERSION) {
            throw new PoolFormatException(path + ": pmsync control file version " + h.getInt((int) VERSION_AT)
                    + ", this library uses " + VERSION);
        }
        int stored = h.getInt((int) CRC);
        if (stored != PoolHeader.checksum(MemorySegment.ofBuffer(h.slice(0, (int) CRC)))) {
            throw new PoolFormatException(path + ": pmsync control file header checksum mismatch");
        }
        ByteBuffer expected = header(id, layout);
        for (long[] f : new long[][] {{UUID_MSB, 16}, {POOL_SIZE, 8}, {POOL_KEY, 8}, {BOOT_MSB, 16}, {LANES, 8},
                {TOTAL, 8}}) {
            if (!h.slice((int) f[0], (int) f[1]).equals(expected.slice((int) f[0], (int) f[1]))) {
                throw new PoolFormatException(path + ": pmsync control file of another pool or boot: its "
                        + fieldName(f[0]) + " does not match the pool file's");
            }
        }
        if (size != layout.total()) {
            throw new PoolFormatException(path + ": pmsync control file is " + size + " bytes, expected "
                    + layout.total());
        }
    }

    private static String fieldName(long field) {
        return field == UUID_MSB ? "pool UUID" : field == POOL_SIZE ? "pool size" : field == POOL_KEY
                ? "pool file key" : field == BOOT_MSB ? "boot id" : field == LANES ? "lane or entry count" : "size";
    }

    /** @return the file's path */
    public Path path() {
        return path;
    }

    /** @return the mapped words (flush and drain do nothing: tmpfs) */
    public PersistentMemory memory() {
        return memory;
    }

    /** @return where its regions are */
    public ControlLayout layout() {
        return layout;
    }
}
