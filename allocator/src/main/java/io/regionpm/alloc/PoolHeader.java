package io.regionpm.alloc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * The pool header: the first 4096 bytes of the file, written once at creation and never
 * changed. Little-endian. The CRC32C covers bytes 0 to 151.
 *
 * <pre>
 * | offset | size | field                    |
 * |      0 |    8 | magic "PCOLPOOL"         |
 * |      8 |    4 | format version (2)        |
 * |     12 |    4 | bytes under checksum (152)|
 * |     16 |   16 | pool UUID (msb, lsb)     |
 * |     32 |    8 | pool size                |
 * |     40 |    4 | durability code          |
 * |     44 |    4 | lane count               |
 * |     48 |    4 | superblock size (65536)  |
 * |     52 |    4 | bitmap bytes / superblock|
 * |     56 |    8 | created, ms since epoch  |
 * |     64 |    8 | lane table offset        |
 * |     72 |    8 | superblock table offset  |
 * |     80 |    8 | superblock count         |
 * |     88 |    8 | bitmap region offset     |
 * |     96 |    8 | data region offset       |
 * |    104 |    8 | root area offset         |
 * |    112 |    8 | process registry offset  |
 * |    120 |    4 | registry entries         |
 * |    124 |    4 | log bytes per lane       |
 * |    128 |    8 | lane log region offset   |
 * |    136 |   16 | reserved, zero           |
 * |    152 |    4 | CRC32C of bytes 0..151   |
 * |    156 | 3940 | reserved, zero           |
 * </pre>
 *
 * <p>Thread- and process-safety: the header is immutable after creation.
 */
public final class PoolHeader {
    /** The magic number, "PCOLPOOL" read as a little-endian long. */
    public static final long MAGIC = 0x4C4F4F504C4F4350L;
    /** The format version this library writes and the newest it reads. */
    public static final int FORMAT_VERSION = 2;
    static final long VERSION = 8, CHECKED_BYTES = 12, UUID_MSB = 16, UUID_LSB = 24, SIZE = 32,
            DURABILITY = 40, LANES = 44, SUPERBLOCK_SIZE = 48, BITMAP_BYTES = 52, CREATED = 56,
            LANE_TABLE = 64, STATE_TABLE = 72, SUPERBLOCKS = 80, BITMAPS = 88, DATA = 96, ROOT = 104,
            REGISTRY = 112, REGISTRY_ENTRIES = 120, LANE_LOG_BYTES = 124, LANE_LOGS = 128, CRC = 152;
    /** Bytes of the header that carry fields (the rest of the page is reserved). */
    public static final int FIELD_BYTES = 160;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;

    private PoolHeader() {
    }

    /**
     * Writes a new header and makes it durable.
     *
     * @param pm      the pool's memory, zeroed
     * @param spec    what to create
     * @param uuid    the pool's identity
     * @param created creation time in ms since the epoch
     * @return the descriptor of the new pool
     */
    public static PoolDescriptor format(PersistentMemory pm, PoolSpec spec, UUID uuid, long created) {
        PoolGeometry g = spec.geometry();
        if (pm.size() != g.size()) {
            throw new IllegalArgumentException("memory is " + pm.size() + " bytes, spec says " + g.size());
        }
        pm.setLong(0, MAGIC);
        pm.setInt(VERSION, FORMAT_VERSION);
        pm.setInt(CHECKED_BYTES, (int) CRC);
        pm.setLong(UUID_MSB, uuid.getMostSignificantBits());
        pm.setLong(UUID_LSB, uuid.getLeastSignificantBits());
        pm.setLong(SIZE, g.size());
        pm.setInt(DURABILITY, spec.durability());
        pm.setInt(LANES, g.laneCount());
        pm.setInt(SUPERBLOCK_SIZE, PoolGeometry.SUPERBLOCK_BYTES);
        pm.setInt(BITMAP_BYTES, PoolGeometry.BITMAP_BYTES);
        pm.setLong(CREATED, created);
        pm.setLong(LANE_TABLE, g.laneTableOffset());
        pm.setLong(STATE_TABLE, g.superblockTableOffset());
        pm.setLong(SUPERBLOCKS, g.superblockCount());
        pm.setLong(BITMAPS, g.bitmapOffset());
        pm.setLong(DATA, g.dataOffset());
        pm.setLong(ROOT, g.rootOffset());
        pm.setLong(REGISTRY, g.registryOffset());
        pm.setInt(REGISTRY_ENTRIES, g.registryEntries());
        pm.setInt(LANE_LOG_BYTES, g.laneLogBytes());
        pm.setLong(LANE_LOGS, g.laneLogOffset());
        pm.setInt(CRC, checksum(pm.readOnlySlice(0, CRC)));
        pm.persist(0, FIELD_BYTES);
        return new PoolDescriptor(uuid, FORMAT_VERSION, spec.durability(), created, g);
    }

    /**
     * Validates a header against the file it came from.
     *
     * @param header       the file's first bytes (at most {@link PoolGeometry#HEADER_BYTES})
     * @param actualLength the file's length
     * @param source       the file's name, for messages
     * @return what the header says
     * @throws PoolFormatException naming the first problem found
     */
    public static PoolDescriptor validate(MemorySegment header, long actualLength, String source) {
        if (actualLength == 0) {
            throw new PoolFormatException(source + ": zero-length file, not a pool");
        }
        if (actualLength < 8 || header.get(LONG, 0) != MAGIC) {
            throw new PoolFormatException(source + ": not a pool (no pcollections magic number)");
        }
        if (actualLength < PoolGeometry.HEADER_BYTES || header.byteSize() < FIELD_BYTES) {
            throw new PoolFormatException(source + ": truncated: " + actualLength
                    + " bytes, shorter than the " + PoolGeometry.HEADER_BYTES + "-byte pool header");
        }
        int version = header.get(INT, VERSION);
        if (version > FORMAT_VERSION) {
            throw new PoolFormatException(source + ": newer format version " + version
                    + "; this library reads versions up to " + FORMAT_VERSION + " (upgrade pcollections)");
        }
        if (version < 1) {
            throw new PoolFormatException(source + ": unknown format version " + version);
        }
        if (version < FORMAT_VERSION) {
            throw new PoolFormatException(source + ": format version " + version
                    + " was written by a pre-release of pcollections and cannot be read; recreate the pool");
        }
        int stored = header.get(INT, CRC);
        int computed = checksum(header.asSlice(0, CRC));
        if (stored != computed) {
            throw new PoolFormatException(source + ": header checksum mismatch (stored 0x"
                    + Integer.toHexString(stored) + ", computed 0x" + Integer.toHexString(computed) + ")");
        }
        long size = header.get(LONG, SIZE);
        if (actualLength < size) {
            throw new PoolFormatException(source + ": truncated: the header says " + size
                    + " bytes, the file has " + actualLength);
        }
        if (actualLength > size) {
            throw new PoolFormatException(source + ": size mismatch: the header says " + size
                    + " bytes, the file has " + actualLength);
        }
        return checkFields(header, source);
    }

    private static PoolDescriptor checkFields(MemorySegment h, String source) {
        expectInt(h, CHECKED_BYTES, (int) CRC, "bytes under checksum", source);
        expectInt(h, SUPERBLOCK_SIZE, PoolGeometry.SUPERBLOCK_BYTES, "superblock size", source);
        expectInt(h, BITMAP_BYTES, PoolGeometry.BITMAP_BYTES, "bitmap bytes per superblock", source);
        int durability = h.get(INT, DURABILITY);
        if (durability < PoolSpec.SYNC || durability > PoolSpec.NONE) {
            throw corrupt(source, "durability code", durability, "0, 1 or 2");
        }
        PoolGeometry g;
        try {
            g = PoolGeometry.of(h.get(LONG, SIZE), h.get(INT, LANES), h.get(INT, REGISTRY_ENTRIES),
                    h.get(INT, LANE_LOG_BYTES));
        } catch (IllegalArgumentException e) {
            throw new PoolFormatException(source + ": corrupt header: " + e.getMessage(), e);
        }
        expectLong(h, LANE_TABLE, g.laneTableOffset(), "lane table offset", source);
        expectLong(h, STATE_TABLE, g.superblockTableOffset(), "superblock table offset", source);
        expectLong(h, SUPERBLOCKS, g.superblockCount(), "superblock count", source);
        expectLong(h, BITMAPS, g.bitmapOffset(), "bitmap region offset", source);
        expectLong(h, DATA, g.dataOffset(), "data region offset", source);
        expectLong(h, ROOT, g.rootOffset(), "root area offset", source);
        expectLong(h, REGISTRY, g.registryOffset(), "process registry offset", source);
        expectLong(h, LANE_LOGS, g.laneLogOffset(), "lane log region offset", source);
        UUID uuid = new UUID(h.get(LONG, UUID_MSB), h.get(LONG, UUID_LSB));
        return new PoolDescriptor(uuid, h.get(INT, VERSION), durability, h.get(LONG, CREATED), g);
    }

    private static void expectInt(MemorySegment h, long field, int expected, String name, String source) {
        int value = h.get(INT, field);
        if (value != expected) {
            throw corrupt(source, name, value, Integer.toString(expected));
        }
    }

    private static void expectLong(MemorySegment h, long field, long expected, String name, String source) {
        long value = h.get(LONG, field);
        if (value != expected) {
            throw corrupt(source, name, value, Long.toString(expected));
        }
    }

    private static PoolFormatException corrupt(String source, String field, long value, String expected) {
        return new PoolFormatException(source + ": corrupt header: " + field + " is " + value
                + ", expected " + expected);
    }

    /**
     * @param bytes the bytes to check
     * @return their CRC32C
     */
    public static int checksum(MemorySegment bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes.asByteBuffer());
        return (int) crc.getValue();
    }
}
