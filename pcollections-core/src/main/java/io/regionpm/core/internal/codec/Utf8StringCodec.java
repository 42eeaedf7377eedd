package io.regionpm.core.internal.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@link String} as UTF-8, nothing else (the length is the encoding's length). Unpaired
 * surrogates are refused. Not order-preserving: UTF-8 sorts by code point, which differs from
 * {@link String#compareTo} (UTF-16 code units) when a supplementary character meets a character
 * from U+E000 to U+FFFF. Identity {@value #ID}.
 */
public final class Utf8StringCodec extends AbstractCodec<String> {
    /** The identity. */
    public static final String ID = "string-utf8";

    /** @param limit the longest encoding accepted (tests use small limits) */
    public Utf8StringCodec(int limit) {
        super(ID, String.class, -1, false, limit);
    }

    @Override
    protected long sizeOf(String value) {
        return Utf8.encodedLength(value, ID);
    }

    @Override
    protected void write(String value, MemorySegment dst, long offset, int size) {
        Utf8.write(value, dst, offset);
    }

    @Override
    protected String read(MemorySegment src, long offset, int length) {
        return Utf8.decode(src.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE), ID);
    }
}
