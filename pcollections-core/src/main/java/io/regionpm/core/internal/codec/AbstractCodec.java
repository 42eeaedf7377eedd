package io.regionpm.core.internal.codec;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

import io.regionpm.core.Codec;
import io.regionpm.core.CodecException;

/**
 * The checks every built-in codec makes, in one place: null and type of the value, the size
 * limit and the destination's bounds before anything is written, the length of an encoding
 * before it is read. Subclasses only measure, write and read.
 *
 * <p>Thread-safety: immutable.
 *
 * @param <T> the type of the values
 */
public abstract class AbstractCodec<T> implements Codec<T> {
    private final String id;
    private final Class<T> valueType;
    private final int fixedSize;
    private final boolean orderPreserving;
    private final int limit;

    /** @return the largest encoding accepted */
    protected final int limit() {
        return limit;
    }

    /**
     * @param id              the identity
     * @param valueType       the class of the values (boxed for primitives)
     * @param fixedSize       the size of every encoding, or -1
     * @param orderPreserving whether byte order is the values' natural order
     * @param limit           the largest encoding accepted, at most {@link Codec#MAX_ENCODED_BYTES}
     */
    protected AbstractCodec(String id, Class<T> valueType, int fixedSize, boolean orderPreserving, int limit) {
        if (limit < 0 || limit > MAX_ENCODED_BYTES || fixedSize > limit) {
            throw new IllegalArgumentException(id + ": limit " + limit + " or fixed size " + fixedSize
                    + " is outside 0.." + MAX_ENCODED_BYTES);
        }
        this.id = id;
        this.valueType = valueType;
        this.fixedSize = fixedSize;
        this.orderPreserving = orderPreserving;
        this.limit = limit;
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final boolean orderPreserving() {
        return orderPreserving;
    }

    @Override
    public final int fixedSize() {
        return fixedSize;
    }

    /** @return the class of the values, boxed for primitives */
    public final Class<T> valueType() {
        return valueType;
    }

    @Override
    public final int encodedSize(T value) {
        Objects.requireNonNull(value, () -> id + ": null values are not allowed");
        if (!valueType.isInstance(value)) {
            throw new ClassCastException(id + ": a " + value.getClass().getName() + " is not a " + valueType.getName());
        }
        long size = sizeOf(value);
        if (size > limit) {
            throw new IllegalArgumentException(id + ": the encoding would be " + size
                    + " bytes, more than the maximum of " + limit);
        }
        return (int) size;
    }

    @Override
    public final void encode(T value, MemorySegment dst, long offset) {
        int size = encodedSize(value);
        Objects.checkFromIndexSize(offset, size, dst.byteSize());
        write(value, dst, offset, size);
    }

    @Override
    public final T decode(MemorySegment src, long offset, int length) {
        if (fixedSize >= 0 && length != fixedSize) {
            throw new CodecException(id + ": an encoding is " + fixedSize + " bytes, not " + length);
        }
        if (length < 0 || length > limit) {
            throw new CodecException(id + ": an encoding of " + length + " bytes is outside 0.." + limit);
        }
        Objects.checkFromIndexSize(offset, length, src.byteSize());
        return read(src, offset, length);
    }

    /** @return the identity */
    @Override
    public final String toString() {
        return id;
    }

    /**
     * @param value a non-null value of the right class
     * @return the size of its encoding; may exceed the limit (the caller refuses it)
     * @throws IllegalArgumentException if the value cannot be encoded
     */
    protected abstract long sizeOf(T value);

    /**
     * Writes a value already measured and accepted; bounds are checked.
     *
     * @param value  the value
     * @param dst    the destination
     * @param offset where its first byte goes
     * @param size   what {@link #sizeOf} returned for it; no more bytes may be written
     */
    protected abstract void write(T value, MemorySegment dst, long offset, int size);

    /**
     * Reads a value; the range is inside {@code src} and its length suits the codec's fixed size.
     *
     * @param src    the source
     * @param offset the first byte
     * @param length the length
     * @return the value
     * @throws CodecException if the bytes are not an encoding
     */
    protected abstract T read(MemorySegment src, long offset, int length);
}
