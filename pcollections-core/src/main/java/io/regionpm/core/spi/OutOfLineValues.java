package io.regionpm.core.spi;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.alloc.PoolFullException;
import io.regionpm.core.Codec;
import io.regionpm.core.CodecException;
import io.regionpm.recovery.PoolRuntime;
import io.regionpm.recovery.Transaction;

/**
 * Values stored out of line: a block of their own holding the encoding, for values too large
 * to sit inside a collection's node or entry. A collection keeps the block's offset.
 *
 * <pre>
 * | offset | size | field                     |
 * |      0 |    8 | encoded length n          |
 * |      8 |    n | the codec's encoding      |
 * </pre>
 *
 * <p>Thread-safety: stateless; the blocks are protected by their collection. Crash
 * behaviour: the block is allocated, written and flushed by the caller's transaction, so it
 * is there exactly when the transaction committed.
 */
public final class OutOfLineValues {
    /** Bytes before the encoding. */
    public static final int HEADER = 8;

    private OutOfLineValues() {
    }

    /**
     * Refuses a value that can never fit in this pool, before anything changes.
     *
     * @param rt      the pool
     * @param encoded the encoding's length
     * @throws PoolFullException if it is larger than the pool's whole data region
     */
    public static void checkFits(PoolRuntime rt, long encoded) {
        long data = rt.geometry().dataBytes();
        if (encoded + HEADER > data) {
            throw new PoolFullException("a value of " + encoded + " bytes cannot fit in this pool (" + data
                    + " bytes of data region)");
        }
    }

    /**
     * Stores a value in a new block of the transaction (released if it aborts).
     *
     * @param tx    the transaction
     * @param codec the value's codec
     * @param value the value
     * @param <T>   its type
     * @return the block's offset
     * @throws PoolFullException        if the pool has no room (nothing changed)
     * @throws IllegalArgumentException if the codec refuses the value (nothing changed)
     */
    public static <T> long store(Transaction tx, Codec<T> codec, T value) {
        int size = codec.encodedSize(value);
        PoolRuntime rt = tx.runtime();
        checkFits(rt, size);
        long block = tx.allocate(HEADER + (long) size);
        PersistentMemory pm = rt.memory();
        pm.setLong(block, size);
        codec.encode(value, pm.writableSlice(block + HEADER, size), 0);
        pm.storedThroughView(block + HEADER, size);
        return block;
    }

    /**
     * Stores an encoding already made in a new block of the transaction (released if it aborts).
     *
     * @param tx       the transaction
     * @param encoding the bytes
     * @return the block's offset
     * @throws PoolFullException if the pool has no room (nothing changed)
     */
    public static long storeBytes(Transaction tx, byte[] encoding) {
        PoolRuntime rt = tx.runtime();
        checkFits(rt, encoding.length);
        long block = tx.allocate(HEADER + (long) encoding.length);
        PersistentMemory pm = rt.memory();
        pm.setLong(block, encoding.length);
        pm.write(encoding, 0, block + HEADER, encoding.length);
        return block;
    }

    /**
     * Copies a stored encoding, validating the block and its length first (every read is
     * bounds-checked, so it is also safe on a block a concurrent writer may be freeing: the
     * caller then validates its copy).
     *
     * @param rt    the pool
     * @param block the block's offset, as read from the pool
     * @return the encoding
     * @throws PoolCorruptedException if the block is not allocated or its length does not fit it
     */
    public static byte[] loadBytes(PoolRuntime rt, long block) {
        long size = checkedLength(rt, block);
        byte[] out = new byte[(int) size];
        rt.memory().read(block + HEADER, out, 0, out.length);
        return out;
    }

    private static long checkedLength(PoolRuntime rt, long block) {
        long usable = rt.heap().usableSize(block);
        long size = rt.memory().getLong(block);
        if (size < 0 || size > Codec.MAX_ENCODED_BYTES || size + HEADER > usable) {
            throw new PoolCorruptedException("out-of-line value at " + block + ": length " + size
                    + " does not fit its block of " + usable + " bytes");
        }
        return size;
    }

    /**
     * Reads a stored value, validating the block and its length first.
     *
     * @param rt    the pool
     * @param codec the value's codec
     * @param block the block's offset, as read from the pool
     * @param <T>   the value's type
     * @return the value
     * @throws PoolCorruptedException if the block is not allocated, its length does not fit it,
     *                                or the bytes are not a valid encoding
     */
    public static <T> T load(PoolRuntime rt, Codec<T> codec, long block) {
        long size = checkedLength(rt, block);
        try {
            return codec.decode(rt.memory().readOnlySlice(block + HEADER, size), 0, (int) size);
        } catch (CodecException e) {
            throw new PoolCorruptedException("out-of-line value at " + block + " is not a valid " + codec.id()
                    + " encoding: " + e.getMessage(), e);
        }
    }
}
