package io.regionpm.core.internal.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.regionpm.core.CodecException;

/**
 * The self-delimiting, order-preserving frame a record puts around a variable-size component
 * that is not its last: every {@code 00} byte of the encoding becomes {@code 00 FF}, and
 * {@code 00 00} ends the frame.
 *
 * <p>Why order survives: escaping maps each byte to a sequence that sorts like the byte
 * ({@code 00 FF} is below every byte from {@code 01}), so two encodings compare as before up to
 * their first difference; and where one encoding ends while the other goes on, the terminator
 * {@code 00 00} is below whatever the other has there ({@code 00 FF} or {@code 01}..{@code FF}),
 * so the shorter still sorts first. Frames are prefix-free, so the first differing component of
 * two records decides their order, as a lexicographic comparison of the components would.
 *
 * <p>Thread-safety: stateless.
 */
final class Frames {
    static final byte ZERO = 0;
    static final byte ESCAPED_ZERO = (byte) 0xFF;
    static final int TERMINATOR_BYTES = 2;

    private Frames() {
    }

    /** @return the size of the frame around {@code raw} */
    static long framedLength(byte[] raw) {
        long length = raw.length + TERMINATOR_BYTES;
        for (byte b : raw) {
            if (b == ZERO) {
                length++;
            }
        }
        return length;
    }

    /** Writes the frame around {@code raw} at {@code at}; returns the offset after it. */
    static long write(byte[] raw, MemorySegment dst, long at) {
        long to = at;
        for (byte b : raw) {
            dst.set(ValueLayout.JAVA_BYTE, to++, b);
            if (b == ZERO) {
                dst.set(ValueLayout.JAVA_BYTE, to++, ESCAPED_ZERO);
            }
        }
        dst.set(ValueLayout.JAVA_BYTE, to++, ZERO);
        dst.set(ValueLayout.JAVA_BYTE, to++, ZERO);
        return to;
    }

    /**
     * Finds the end of the frame that starts at {@code from}.
     *
     * @param end     the end of the record's encoding
     * @param where   the record and component, named in the exception
     * @return the offset after the terminator
     * @throws CodecException if the frame has a bad escape or no terminator before {@code end}
     */
    static long endOf(MemorySegment src, long from, long end, String where) {
        for (long at = from; at < end; at++) {
            if (src.get(ValueLayout.JAVA_BYTE, at) == ZERO && at + 1 < end) {
                byte next = src.get(ValueLayout.JAVA_BYTE, at + 1);
                if (next == ZERO) {
                    return at + TERMINATOR_BYTES;
                }
                if (next != ESCAPED_ZERO) {
                    throw new CodecException(where + ": a zero byte at " + (at - from) + " in its frame is neither escaped"
                            + " nor a terminator");
                }
                at++;
            }
        }
        throw new CodecException(where + ": its frame has no terminator before the end of the encoding");
    }

    /** @return the bytes inside a frame that {@link #endOf} accepted, escapes removed */
    static byte[] unframe(MemorySegment src, long from, long frameEnd) {
        long escaped = frameEnd - TERMINATOR_BYTES;
        int zeros = 0;
        for (long at = from; at < escaped; at++) {
            if (src.get(ValueLayout.JAVA_BYTE, at) == ZERO) {
                zeros++;
                at++;
            }
        }
        byte[] raw = new byte[(int) (escaped - from - zeros)];
        int i = 0;
        for (long at = from; at < escaped; at++) {
            byte b = src.get(ValueLayout.JAVA_BYTE, at);
            raw[i++] = b;
            if (b == ZERO) {
                at++;
            }
        }
        return raw;
    }
}
