package io.regionpm.core.internal.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Big-endian access at any alignment, and the sign flip that makes a two's-complement number's
 * unsigned byte order its signed order. Codecs are big-endian (the rest of the pool format is
 * little-endian) because only big-endian bytes sort like the numbers they hold.
 *
 * <p>Thread-safety: stateless.
 */
final class BigEndian {
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private BigEndian() {
    }

    /** Writes {@code value} with its sign bit flipped: unsigned byte order = signed order. */
    static void putSortableLong(MemorySegment dst, long offset, long value) {
        dst.set(LONG, offset, value ^ Long.MIN_VALUE);
    }

    /** Reads what {@link #putSortableLong} wrote. */
    static long getSortableLong(MemorySegment src, long offset) {
        return src.get(LONG, offset) ^ Long.MIN_VALUE;
    }

    /** Writes {@code value} with its sign bit flipped: unsigned byte order = signed order. */
    static void putSortableInt(MemorySegment dst, long offset, int value) {
        dst.set(INT, offset, value ^ Integer.MIN_VALUE);
    }

    /** Reads what {@link #putSortableInt} wrote. */
    static int getSortableInt(MemorySegment src, long offset) {
        return src.get(INT, offset) ^ Integer.MIN_VALUE;
    }
}
