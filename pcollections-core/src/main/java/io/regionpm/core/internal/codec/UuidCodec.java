package io.regionpm.core.internal.codec;

import java.lang.foreign.MemorySegment;
import java.util.UUID;

/**
 * {@link UUID}: 16 bytes, the most significant half then the least significant half, each
 * 8 bytes big-endian with the sign bit flipped. {@link UUID#compareTo} compares the halves as
 * signed longs, so this byte order is exactly it. This is not the RFC 9562 byte layout (which
 * would sort UUIDs with a high bit set after the others). Identity {@value #ID}.
 */
public final class UuidCodec extends AbstractCodec<UUID> {
    /** The identity. */
    public static final String ID = "uuid";

    /** The codec. */
    public UuidCodec() {
        super(ID, UUID.class, 2 * Long.BYTES, true, 2 * Long.BYTES);
    }

    @Override
    protected long sizeOf(UUID value) {
        return 2 * Long.BYTES;
    }

    @Override
    protected void write(UUID value, MemorySegment dst, long offset, int size) {
        BigEndian.putSortableLong(dst, offset, value.getMostSignificantBits());
        BigEndian.putSortableLong(dst, offset + Long.BYTES, value.getLeastSignificantBits());
    }

    @Override
    protected UUID read(MemorySegment src, long offset, int length) {
        return new UUID(BigEndian.getSortableLong(src, offset), BigEndian.getSortableLong(src, offset + Long.BYTES));
    }
}
