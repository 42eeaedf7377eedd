package io.regionpm.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** Encoding into guarded segments, and printing values so that a failure shows what failed. */
final class Values {
    static final byte GUARD = (byte) 0xA5;
    static final int SLACK = 7;

    private Values() {
    }

    /** @return a string with everything outside printable ASCII as a {@code \}{@code uXXXX} escape */
    static String describe(Object value) {
        if (value instanceof byte[] b) {
            return "0x" + HexFormat.of().formatHex(b);
        }
        if (value instanceof Double d) {
            return d + " (bits " + Long.toHexString(Double.doubleToRawLongBits(d)) + ")";
        }
        if (!(value instanceof String s)) {
            return String.valueOf(value);
        }
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return out.append('"').toString();
    }

    /**
     * Encodes into a native segment at an odd offset between guard bytes and checks that exactly
     * {@code encodedSize} bytes were written.
     *
     * @return the segment, the encoding at {@link #SLACK}
     */
    static <T> MemorySegment encodeGuarded(Codec<T> codec, T value, Arena arena) {
        int size = codec.encodedSize(value);
        MemorySegment segment = arena.allocate(size + 2L * SLACK);
        segment.fill(GUARD);
        codec.encode(value, segment, SLACK);
        assertGuardsIntact(segment, size, describe(value));
        return segment;
    }

    static void assertGuardsIntact(MemorySegment segment, int size, String what) {
        for (long i = 0; i < SLACK; i++) {
            assertThat(segment.get(ValueLayout.JAVA_BYTE, i)).as("guard byte %d before the encoding of %s", i, what)
                    .isEqualTo(GUARD);
            assertThat(segment.get(ValueLayout.JAVA_BYTE, SLACK + size + i)).as("guard byte %d after the encoding of %s", i, what)
                    .isEqualTo(GUARD);
        }
    }

    /** @return whether every byte of the segment is still the guard */
    static boolean untouched(MemorySegment segment) {
        byte[] bytes = segment.toArray(ValueLayout.JAVA_BYTE);
        byte[] guards = new byte[bytes.length];
        Arrays.fill(guards, GUARD);
        return Arrays.equals(bytes, guards);
    }

    /** @return a heap segment of guard bytes */
    static MemorySegment guards(int size) {
        MemorySegment segment = MemorySegment.ofArray(new byte[size]);
        segment.fill(GUARD);
        return segment;
    }
}
