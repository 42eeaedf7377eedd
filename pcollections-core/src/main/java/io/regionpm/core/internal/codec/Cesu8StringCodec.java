package io.regionpm.core.internal.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.regionpm.core.CodecException;

/**
 * {@link String} in CESU-8: each UTF-16 code unit on its own, written as UTF-8 writes a code
 * point of that value: U+0000..U+007F in 1 byte ({@code 0xxxxxxx}), U+0080..U+07FF in 2
 * ({@code 110xxxxx 10xxxxxx}), U+0800..U+FFFF, surrogates included, in 3
 * ({@code 1110xxxx 10xxxxxx 10xxxxxx}). A supplementary character, a surrogate pair, takes 6
 * bytes. Every string is accepted, unpaired surrogates included, and comes back unchanged.
 *
 * <p>Order-preserving, exactly {@link String#compareTo}, which compares code units as unsigned
 * numbers, a proper prefix first (Unicode TR #26 gives CESU-8 the binary order of UTF-16):
 * <ul>
 *   <li>the units' encodings sort as the units do: a longer form has a larger lead byte
 *       ({@code 00-7F} &lt; {@code C2-DF} &lt; {@code E0-EF}), and within one form the payload
 *       bits are in order, most significant first;</li>
 *   <li>no unit's encoding is a proper prefix of another's, so the first differing unit of two
 *       strings holds the first differing byte of their encodings;</li>
 *   <li>a string that is a prefix of another has an encoding that is a prefix of the other's,
 *       and the unsigned byte order puts a proper prefix first.</li>
 * </ul>
 * ASCII text costs what it costs in UTF-8, and the only zero byte is U+0000's, so a record frame
 * around it rarely grows. Decoding refuses anything the encoder does not write: overlong forms,
 * 4-byte forms, stray or missing continuation bytes. Identity {@value #ID}.
 */
public final class Cesu8StringCodec extends AbstractCodec<String> {
    /** The identity. */
    public static final String ID = "string-cesu8";

    private static final int ONE_BYTE_LIMIT = 0x80;
    private static final int TWO_BYTE_LIMIT = 0x800;

    /** @param limit the longest encoding accepted (tests use small limits) */
    public Cesu8StringCodec(int limit) {
        super(ID, String.class, -1, true, limit);
    }

    @Override
    protected long sizeOf(String value) {
        long size = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            size += c < ONE_BYTE_LIMIT ? 1 : c < TWO_BYTE_LIMIT ? 2 : 3;
        }
        return size;
    }

    @Override
    protected void write(String value, MemorySegment dst, long offset, int size) {
        long at = offset;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < ONE_BYTE_LIMIT) {
                dst.set(ValueLayout.JAVA_BYTE, at++, (byte) c);
            } else if (c < TWO_BYTE_LIMIT) {
                dst.set(ValueLayout.JAVA_BYTE, at++, (byte) (0xC0 | c >>> 6));
                dst.set(ValueLayout.JAVA_BYTE, at++, (byte) (0x80 | c & 0x3F));
            } else {
                dst.set(ValueLayout.JAVA_BYTE, at++, (byte) (0xE0 | c >>> 12));
                dst.set(ValueLayout.JAVA_BYTE, at++, (byte) (0x80 | c >>> 6 & 0x3F));
                dst.set(ValueLayout.JAVA_BYTE, at++, (byte) (0x80 | c & 0x3F));
            }
        }
    }

    @Override
    protected String read(MemorySegment src, long offset, int length) {
        byte[] bytes = src.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
        char[] units = new char[length];
        int n = 0;
        int i = 0;
        while (i < length) {
            int start = i;
            int lead = bytes[i] & 0xFF;
            int unit;
            if (lead < ONE_BYTE_LIMIT) {
                unit = lead;
                i += 1;
            } else if (lead >= 0xC0 && lead < 0xE0) {
                unit = (lead & 0x1F) << 6 | continuation(bytes, i + 1);
                i += 2;
            } else if (lead >= 0xE0 && lead < 0xF0) {
                unit = (lead & 0x0F) << 12 | continuation(bytes, i + 1) << 6 | continuation(bytes, i + 2);
                i += 3;
            } else {
                throw malformed(start, "byte " + Integer.toHexString(lead) + " cannot start a code unit");
            }
            if (unit < ONE_BYTE_LIMIT && lead >= ONE_BYTE_LIMIT || unit < TWO_BYTE_LIMIT && lead >= 0xE0) {
                throw malformed(start, "an overlong form of U+" + Integer.toHexString(unit));
            }
            units[n++] = (char) unit;
        }
        return new String(units, 0, n);
    }

    private static int continuation(byte[] bytes, int at) {
        if (at >= bytes.length || (bytes[at] & 0xC0) != 0x80) {
            throw malformed(at, "a continuation byte (10xxxxxx) is missing");
        }
        return bytes[at] & 0x3F;
    }

    private static CodecException malformed(int at, String what) {
        return new CodecException(ID + ": malformed CESU-8 at byte " + at + ": " + what);
    }
}
