package io.regionpm.core.internal.codec;

import java.lang.foreign.MemorySegment;

/**
 * {@code double}: 8 bytes, big-endian, of {@link Double#doubleToLongBits} (every NaN becomes
 * the canonical NaN {@code 0x7ff8000000000000}) with all bits flipped if the sign bit is set,
 * else only the sign bit flipped. The unsigned byte order is then exactly {@link Double#compare}:
 * -Infinity first, -0.0 before 0.0, +Infinity, then NaN last; and equal encodings are exactly
 * {@link Double#equals}. NaN payloads are not kept: they would need two encodings for values
 * that {@code Double.compare} calls equal. Identity {@value #ID}.
 */
public final class DoubleCodec extends AbstractCodec<Double> {
    /** The identity. */
    public static final String ID = "double";

    /** The codec. */
    public DoubleCodec() {
        super(ID, Double.class, Double.BYTES, true, Double.BYTES);
    }

    @Override
    protected long sizeOf(Double value) {
        return Double.BYTES;
    }

    @Override
    protected void write(Double value, MemorySegment dst, long offset, int size) {
        long bits = Double.doubleToLongBits(value);
        dst.set(BigEndian.LONG, offset, bits < 0 ? ~bits : bits ^ Long.MIN_VALUE);
    }

    @Override
    protected Double read(MemorySegment src, long offset, int length) {
        long key = src.get(BigEndian.LONG, offset);
        return Double.longBitsToDouble(key < 0 ? key ^ Long.MIN_VALUE : ~key);
    }
}
