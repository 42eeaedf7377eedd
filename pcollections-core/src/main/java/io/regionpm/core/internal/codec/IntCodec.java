package io.regionpm.core.internal.codec;

import java.lang.foreign.MemorySegment;

/**
 * {@code int}: 4 bytes, big-endian, sign bit flipped, so that the unsigned byte order is
 * {@link Integer#compare}. Identity {@value #ID}.
 */
public final class IntCodec extends AbstractCodec<Integer> {
    /** The identity. */
    public static final String ID = "int";

    /** The codec. */
    public IntCodec() {
        super(ID, Integer.class, Integer.BYTES, true, Integer.BYTES);
    }

    @Override
    protected long sizeOf(Integer value) {
        return Integer.BYTES;
    }

    @Override
    protected void write(Integer value, MemorySegment dst, long offset, int size) {
        BigEndian.putSortableInt(dst, offset, value);
    }

    @Override
    protected Integer read(MemorySegment src, long offset, int length) {
        return BigEndian.getSortableInt(src, offset);
    }
}
