package io.regionpm.hash.internal;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.recovery.RobustMutex;

/**
 * The flyweight of a hash map's header block (the block its directory entry's root slot points
 * to): the map's shape and its stripes. The one place that defines their layout.
 *
 * <p>Header:
 * <pre>
 * | offset | size | field                                                       |
 * |      0 |    8 | magic "PHASHMAP" (0x5048_4153_484D_4150)                    |
 * |      8 |    4 | layout version (1)                                          |
 * |     12 |    4 | stripes S (a power of two, 1..1024)                         |
 * |     16 |    4 | base buckets per stripe B (a power of two, 1..4096)         |
 * |     20 |    4 | entry kind: 0 = encoded key and value, 1 = long key, long value |
 * |     24 |    8 | drop cursor: next stripe to free while the map is dropped   |
 * |     32 |   32 | reserved (0)                                                |
 * |     64 | S*256| stripes                                                     |
 * </pre>
 *
 * <p>Stripe (256 bytes; an independent linear-hashing table with its own lock):
 * <pre>
 * | offset | size | field                                                              |
 * |      0 |   16 | the stripe's {@link RobustMutex} (writers hold it)                 |
 * |     16 |    8 | version: even = stable, odd = a writer is changing the stripe      |
 * |     24 |    8 | shape: level L in bits 56..63, split pointer p in bits 0..55       |
 * |     32 |    8 | entry count                                                        |
 * |     40 |    8 | reserved (0)                                                       |
 * |     48 |  208 | 26 chunk pointers: chunk 0 holds buckets [0, B), chunk k &ge; 1     |
 * |        |      | holds [B*2^(k-1), B*2^k); 0 = not yet allocated                    |
 * </pre>
 * A stripe uses B*2^L + p buckets; a key whose 32-bit hash is h lives in bucket
 * {@code h mod B*2^L}, or {@code h mod B*2^(L+1)} if that is below p. A bucket is one
 * 8-byte word: the offset of the first entry of its chain (0: empty).
 *
 * <p>Thread-safety: stateless reads and writes of pool words; the stripe's lock and version
 * protocol (see {@link HashEngine}) give the isolation.
 */
public final class MapHeader {
    /** "PHASHMAP". */
    public static final long MAGIC = 0x5048_4153_484D_4150L;
    /** Layout version. */
    public static final int VERSION = 1;
    /** Header bytes before the stripes. */
    public static final int HEADER_BYTES = 64;
    /** Bytes of one stripe. */
    public static final int STRIPE_BYTES = 256;
    /** Chunk pointers per stripe. */
    public static final int MAX_CHUNKS = 26;
    /** Entry kind of {@code PersistentHashMap}: encoded keys and values. */
    public static final int KIND_ENCODED = 0;
    /** Entry kind of {@code PersistentLongLongHashMap}: a long key and a long value. */
    public static final int KIND_LONG_LONG = 1;

    static final int MAGIC_AT = 0;
    static final int VERSION_AT = 8;
    static final int STRIPES_AT = 12;
    static final int BASE_AT = 16;
    static final int KIND_AT = 20;
    static final int DROP_CURSOR_AT = 24;

    static final int S_MUTEX = 0;
    static final int S_VERSION = 16;
    static final int S_SHAPE = 24;
    static final int S_COUNT = 32;
    static final int S_CHUNKS = 48;

    private MapHeader() {
    }

    /** @param stripes S @return the header block's size */
    public static long bytes(int stripes) {
        return HEADER_BYTES + (long) stripes * STRIPE_BYTES;
    }

    /**
     * Writes a new header (into a block the caller allocated in its transaction).
     *
     * @param pm      the pool
     * @param at      the block
     * @param stripes S
     * @param base    B
     * @param kind    entry kind
     */
    public static void format(PersistentMemory pm, long at, int stripes, int base, int kind) {
        pm.fill(at, bytes(stripes), (byte) 0);
        pm.setLong(at + MAGIC_AT, MAGIC);
        pm.setInt(at + VERSION_AT, VERSION);
        pm.setInt(at + STRIPES_AT, stripes);
        pm.setInt(at + BASE_AT, base);
        pm.setInt(at + KIND_AT, kind);
    }

    /**
     * Validates a header read from the pool.
     *
     * @param pm     the pool
     * @param at     the header block
     * @param usable its usable size
     * @param kind   the kind expected
     * @throws PoolCorruptedException if it is not a valid header of that kind
     */
    public static void validate(PersistentMemory pm, long at, long usable, int kind) {
        if (usable < HEADER_BYTES || pm.getLong(at + MAGIC_AT) != MAGIC) {
            throw new PoolCorruptedException("hash map header at " + at + ": bad magic");
        }
        int version = pm.getInt(at + VERSION_AT);
        int stripes = pm.getInt(at + STRIPES_AT);
        int base = pm.getInt(at + BASE_AT);
        if (version != VERSION || Integer.bitCount(stripes) != 1 || stripes > 1024 || Integer.bitCount(base) != 1
                || base > 4096 || bytes(stripes) > usable || pm.getInt(at + KIND_AT) != kind) {
            throw new PoolCorruptedException("hash map header at " + at + ": version " + version + ", " + stripes
                    + " stripes, " + base + " base buckets, kind " + pm.getInt(at + KIND_AT) + " (expected kind " + kind
                    + ")");
        }
    }

    /** @param pm the pool @param header the header @return S */
    public static int stripes(PersistentMemory pm, long header) {
        return pm.getInt(header + STRIPES_AT);
    }

    /** @param pm the pool @param header the header @return B */
    public static int base(PersistentMemory pm, long header) {
        return pm.getInt(header + BASE_AT);
    }

    /** @param header the header @param s a stripe index @return the stripe's offset */
    public static long stripe(long header, int s) {
        return header + HEADER_BYTES + (long) s * STRIPE_BYTES;
    }

    /** @param stripe a stripe @return its mutex's offset */
    public static long mutex(long stripe) {
        return stripe + S_MUTEX;
    }

    /** @param stripe a stripe @return its version word */
    public static long version(long stripe) {
        return stripe + S_VERSION;
    }

    /** @param stripe a stripe @return its shape word */
    public static long shape(long stripe) {
        return stripe + S_SHAPE;
    }

    /** @param stripe a stripe @return its count word */
    public static long count(long stripe) {
        return stripe + S_COUNT;
    }

    /** @param stripe a stripe @param k a chunk index @return the word holding chunk k's offset */
    public static long chunkSlot(long stripe, int k) {
        return stripe + S_CHUNKS + 8L * k;
    }

    /** @param header the header @return the drop cursor word */
    public static long dropCursor(long header) {
        return header + DROP_CURSOR_AT;
    }

    /** @param level L @param split p @return the shape word */
    public static long shapeOf(int level, long split) {
        return (long) level << 56 | split;
    }

    /** @param shape a shape word @return L */
    public static int level(long shape) {
        return (int) (shape >>> 56);
    }

    /** @param shape a shape word @return p */
    public static long split(long shape) {
        return shape & 0x00FF_FFFF_FFFF_FFFFL;
    }

    /** @param base B @param shape a shape @return buckets in use */
    public static long bucketsInUse(int base, long shape) {
        return ((long) base << level(shape)) + split(shape);
    }

    /**
     * @param base  B
     * @param shape the stripe's shape
     * @param hash  the key's 32-bit hash
     * @return its bucket index
     */
    public static long bucketOf(int base, long shape, int hash) {
        long h = Integer.toUnsignedLong(hash);
        long b = h & (((long) base << level(shape)) - 1);
        return b < split(shape) ? h & (((long) base << (level(shape) + 1)) - 1) : b;
    }

    /** @param base B @param bucket a bucket index @return the chunk that holds it */
    public static int chunkOf(int base, long bucket) {
        return bucket < base ? 0 : 64 - Long.numberOfLeadingZeros(bucket / base);
    }

    /** @param base B @param k a chunk @return its first bucket index */
    public static long chunkStart(int base, int k) {
        return k == 0 ? 0 : (long) base << (k - 1);
    }

    /** @param base B @param k a chunk @return its buckets */
    public static long chunkBuckets(int base, int k) {
        return k == 0 ? base : (long) base << (k - 1);
    }
}
