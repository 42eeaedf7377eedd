package io.regionpm.core.internal.codec;

import java.lang.foreign.MemorySegment;

import io.regionpm.core.CodecException;

/**
 * {@link String} as its UTF-16 code units, each 2 bytes big-endian, nothing else. Every string
 * is accepted, unpaired surrogates included, and comes back unchanged.
 *
 * <p>Order-preserving, exactly {@link String#compareTo}: that method compares code units as
 * unsigned 16-bit numbers, a proper prefix first. Big-endian units of a fixed width compare, byte
 * by byte, as the units do, and the first differing unit decides; a string that is a prefix of
 * another has an encoding that is a prefix of the other's, and the unsigned byte order puts a
 * proper prefix first. No escape or terminator is needed because the length of an encoding is
 * always known; inside a record the record codec adds its own framing. Identity {@value #ID}.
 */
public final class Utf16StringCodec extends AbstractCodec<String> {
    /** The identity. */
    public static final String ID = "string-utf16be";

    /** @param limit the longest encoding accepted (tests use small limits) */
    public Utf16StringCodec(int limit) {
        super(ID, String.class, -1, true, limit);
    }

    @Override
    protected long sizeOf(String value) {
        return 2L * value.length();
    }

    @Override
    protected void write(String value, MemorySegment dst, long offset, int size) {
        char[] units = value.toCharArray();
        MemorySegment.copy(units, 0, dst, BigEndian.CHAR, offset, units.length);
    }

    @Override
    protected String read(MemorySegment src, long offset, int length) {
        if (length % 2 != 0) {
            throw new CodecException(ID + ": an encoding has an even number of bytes, not " + length);
        }
        char[] units = new char[length / 2];
        MemorySegment.copy(src, BigEndian.CHAR, offset, units, 0, units.length);
        return new String(units);
    }
}
