package io.regionpm.core.internal.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code byte[]}: the bytes themselves, any length up to the limit. The byte order is
 * {@link java.util.Arrays#compareUnsigned(byte[], byte[])}. Decoding returns a new array.
 * Identity {@value #ID}.
 */
public final class BytesCodec extends AbstractCodec<byte[]> {
    /** The identity. */
    public static final String ID = "bytes";

    /** @param limit the longest array accepted (tests use small limits) */
    public BytesCodec(int limit) {
        super(ID, byte[].class, -1, true, limit);
    }

    @Override
    protected long sizeOf(byte[] value) {
        return value.length;
    }

    @Override
    protected void write(byte[] value, MemorySegment dst, long offset, int size) {
        MemorySegment.copy(value, 0, dst, ValueLayout.JAVA_BYTE, offset, value.length);
    }

    @Override
    public byte[] fromOwnedBytes(byte[] bytes) {
        return bytes.length <= limit() ? bytes : fromBytes(bytes);
    }

    @Override
    protected byte[] read(MemorySegment src, long offset, int length) {
        byte[] value = new byte[length];
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, offset, value, 0, length);
        return value;
    }
}
