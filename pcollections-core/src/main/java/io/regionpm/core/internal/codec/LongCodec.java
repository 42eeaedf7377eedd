package io.regionpm.core.internal.codec;

import java.lang.foreign.MemorySegment;

/**
 * {@code long}: 8 bytes, big-endian, sign bit flipped, so that the unsigned byte order is
 * {@link Long#compare}. Identity {@value #ID}.
 */
public final class LongCodec extends AbstractCodec<Long> {
    /** The identity. */
    public static final String ID = "long";

    /** The codec. */
    public LongCodec() {
        super(ID, Long.class, Long.BYTES, true, Long.BYTES);
    }

    @Override
    protected long sizeOf(Long value) {
        return Long.BYTES;
    }

    @Override
    protected void write(Long value, MemorySegment dst, long offset, int size) {
        BigEndian.putSortableLong(dst, offset, value);
    }

    @Override
    protected Long read(MemorySegment src, long offset, int length) {
        return BigEndian.getSortableLong(src, offset);
    }
}
