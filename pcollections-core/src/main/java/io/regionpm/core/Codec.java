package io.regionpm.core;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Turns values of one type into bytes and back, for keys and values stored in a pool.
 *
 * <p>A codec has a stable {@linkplain #id() identity} that a collection stores with itself; a
 * collection is never opened with a codec of another identity, so stored bytes are never
 * reinterpreted. {@link Codecs} holds the built-in codecs and documents their encodings.
 *
 * <p>Contract, for every implementation:
 * <ul>
 *   <li>{@code encode} writes exactly {@link #encodedSize(Object) encodedSize(value)} bytes, at
 *       most {@link #MAX_ENCODED_BYTES}; {@code decode} of those bytes returns a value equal to
 *       the one encoded (for {@code byte[]}: with equal contents).</li>
 *   <li>Equal values have equal encodings, so collections compare encoded keys for equality.</li>
 *   <li>If {@link #orderPreserving()}, the unsigned lexicographic order of encodings (shorter
 *       first when one is a prefix of the other, as {@link java.util.Arrays#compareUnsigned(byte[],
 *       byte[])}) is the natural order of the values, and {@link #compare compare} is that byte
 *       order. Sorted collections need an order-preserving key codec; they compare encoded keys
 *       without decoding them.</li>
 *   <li>{@code null} values are refused with {@link NullPointerException}; a value the encoding
 *       cannot represent, or one whose encoding would exceed {@link #MAX_ENCODED_BYTES}, with
 *       {@link IllegalArgumentException}, before any byte of the destination is written.</li>
 *   <li>Bytes that are not an encoding of this codec (a wrong length, malformed UTF-8, an
 *       unknown enum ordinal, ...) are refused with {@link CodecException}.</li>
 *   <li>Implementations are immutable and safe for any number of threads. Nothing uses Java
 *       serialization.</li>
 * </ul>
 *
 * @param <T> the type of the values
 */
public interface Codec<T> {

    /** The largest encoding of one value, in bytes: 1 GiB - 1. */
    int MAX_ENCODED_BYTES = (1 << 30) - 1;

    /**
     * The codec's identity, stored with every collection that uses it. It names the encoding
     * exactly: two codecs with the same identity read each other's bytes. Built-in identities
     * never change once released; their grammar is in {@link Codecs}.
     *
     * @return the identity, never empty
     */
    String id();

    /** @return whether the unsigned byte order of encodings is the natural order of the values */
    boolean orderPreserving();

    /** @return the size of every encoding in bytes, or -1 if encodings vary in size */
    int fixedSize();

    /**
     * @param value a value
     * @return the size of its encoding in bytes, at most {@link #MAX_ENCODED_BYTES}
     * @throws NullPointerException     if {@code value} is null
     * @throws IllegalArgumentException if the value cannot be encoded, or its encoding would be
     *                                  larger than {@link #MAX_ENCODED_BYTES}
     */
    int encodedSize(T value);

    /**
     * Writes the encoding of a value; nothing is written if the value is refused.
     *
     * @param value  a value
     * @param dst    where to write: a pool segment or a heap segment
     * @param offset the offset in {@code dst} of the first byte
     * @throws NullPointerException      if {@code value} is null
     * @throws IllegalArgumentException  if the value cannot be encoded (see {@link #encodedSize})
     * @throws IndexOutOfBoundsException if the encoding does not fit in {@code dst} at {@code offset}
     */
    void encode(T value, MemorySegment dst, long offset);

    /**
     * Reads a value back.
     *
     * @param src    where the encoding is
     * @param offset the offset in {@code src} of its first byte
     * @param length its size in bytes
     * @return the value
     * @throws CodecException            if the bytes are not an encoding of this codec
     * @throws IndexOutOfBoundsException if the range is not inside {@code src}
     */
    T decode(MemorySegment src, long offset, int length);

    /**
     * @param value a value
     * @return its encoding in a new array
     * @throws NullPointerException     if {@code value} is null
     * @throws IllegalArgumentException if the value cannot be encoded
     */
    default byte[] toBytes(T value) {
        byte[] bytes = new byte[encodedSize(value)];
        encode(value, MemorySegment.ofArray(bytes), 0);
        return bytes;
    }

    /**
     * @param bytes an encoding, whole
     * @return the value
     * @throws CodecException if the bytes are not an encoding of this codec
     */
    default T fromBytes(byte[] bytes) {
        return decode(MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    /**
     * Like {@link #fromBytes}, for a caller that hands over a fresh array it will not touch
     * again: a codec whose values are byte arrays may return it as is instead of copying.
     *
     * @param bytes an encoding, whole, owned by the codec from now on
     * @return the value
     * @throws CodecException if the bytes are not an encoding of this codec
     */
    default T fromOwnedBytes(byte[] bytes) {
        return fromBytes(bytes);
    }

    /**
     * Compares two encodings without decoding them. The default, which every order-preserving
     * codec must keep, is the unsigned lexicographic byte order, a proper prefix first.
     *
     * @param a    the segment holding the first encoding
     * @param aOff its offset
     * @param aLen its length
     * @param b    the segment holding the second encoding
     * @param bOff its offset
     * @param bLen its length
     * @return negative, zero or positive as the first sorts before, with or after the second
     */
    default int compare(MemorySegment a, long aOff, int aLen, MemorySegment b, long bOff, int bLen) {
        long at = MemorySegment.mismatch(a, aOff, aOff + aLen, b, bOff, bOff + bLen);
        if (at < 0) {
            return 0;
        }
        if (at == aLen || at == bLen) {
            return Integer.compare(aLen, bLen);
        }
        return Integer.compare(Byte.toUnsignedInt(a.get(ValueLayout.JAVA_BYTE, aOff + at)),
                Byte.toUnsignedInt(b.get(ValueLayout.JAVA_BYTE, bOff + at)));
    }
}
