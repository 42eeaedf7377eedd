package io.regionpm.core.internal.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code byte[]} of exactly {@code n} bytes: the bytes themselves. The byte order is
 * {@link java.util.Arrays#compareUnsigned(byte[], byte[])}. An array of another length is
 * refused. Identity {@code fixed-bytes:n}.
 */
public final class FixedBytesCodec extends AbstractCodec<byte[]> {
    /** The identity's prefix. */
    public static final String PREFIX = "fixed-bytes:";

    /** @param n the length of every value, 1 to {@link #MAX_ENCODED_BYTES} */
    public FixedBytesCodec(int n) {
        super(PREFIX + Ids.requireLength(n, "fixedBytes"), byte[].class, n, true, n);
    }

    @Override
    protected long sizeOf(byte[] value) {
        if (value.length != fixedSize()) {
            throw new IllegalArgumentException(id() + ": the array has " + value.length + " bytes, not " + fixedSize());
        }
        return value.length;
    }

    @Override
    protected void write(byte[] value, MemorySegment dst, long offset, int size) {
        MemorySegment.copy(value, 0, dst, ValueLayout.JAVA_BYTE, offset, value.length);
    }

    @Override
    protected byte[] read(MemorySegment src, long offset, int length) {
        byte[] value = new byte[length];
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, offset, value, 0, length);
        return value;
    }
}
