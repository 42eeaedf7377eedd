package io.regionpm.core.internal.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

import io.regionpm.core.CodecException;

/**
 * {@link String} in exactly {@code n} bytes: UTF-8, then zero bytes up to {@code n}. Strings
 * with U+0000 (which would be lost in the padding), with unpaired surrogates, or longer than
 * {@code n} bytes in UTF-8 are refused. Not order-preserving, for the reason given in
 * {@link Utf8StringCodec}. Identity {@code fixed-string-utf8:n}.
 */
public final class FixedUtf8StringCodec extends AbstractCodec<String> {
    /** The identity's prefix. */
    public static final String PREFIX = "fixed-string-utf8:";

    /** @param n the size of every encoding, 1 to {@link #MAX_ENCODED_BYTES} */
    public FixedUtf8StringCodec(int n) {
        super(PREFIX + Ids.requireLength(n, "fixedString"), String.class, n, false, n);
    }

    @Override
    protected long sizeOf(String value) {
        int nul = value.indexOf('\0');
        if (nul >= 0) {
            throw new IllegalArgumentException(id() + ": U+0000 at index " + nul + " cannot be stored (it is the padding)");
        }
        long length = Utf8.encodedLength(value, id());
        if (length > fixedSize()) {
            throw new IllegalArgumentException(id() + ": the string is " + length + " bytes in UTF-8, more than " + fixedSize());
        }
        return fixedSize();
    }

    @Override
    protected void write(String value, MemorySegment dst, long offset, int size) {
        long end = Utf8.write(value, dst, offset);
        dst.asSlice(end, offset + size - end).fill((byte) 0);
    }

    @Override
    protected String read(MemorySegment src, long offset, int length) {
        byte[] bytes = src.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
        int end = 0;
        while (end < length && bytes[end] != 0) {
            end++;
        }
        for (int i = end; i < length; i++) {
            if (bytes[i] != 0) {
                throw new CodecException(id() + ": byte " + i + " follows the zero padding that starts at " + end);
            }
        }
        return Utf8.decode(end == length ? bytes : Arrays.copyOf(bytes, end), id());
    }
}
