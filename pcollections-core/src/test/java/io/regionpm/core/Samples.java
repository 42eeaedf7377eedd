package io.regionpm.core;

import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Random values for codec tests, biased towards the values that break encodings: extremes,
 * values next to them, zero bytes, short strings that are prefixes of each other, every UTF-16
 * region (ASCII, two- and three-byte UTF-8, U+E000..U+FFFF above the surrogates, supplementary
 * pairs), and NaNs with many payloads.
 */
final class Samples {
    /** Characters where encodings change shape; a small set so that random strings share prefixes. */
    private static final String TRICKY_CHARS = "\u0000\u0001a\u007f\u0080\u00e9\u07ff\u0800\u4e2d\ud7ff\ue000\ufffd\uffff";
    /** Supplementary characters: the first, an emoji, the last. */
    private static final int[] SUPPLEMENTARY = {0x10000, 0x1F600, 0x10FFFF};
    private static final byte[] TRICKY_BYTES = {0, 1, 0x7f, (byte) 0x80, (byte) 0xfe, (byte) 0xff};

    static final List<Long> LONG_EDGES = List.of(Long.MIN_VALUE, Long.MIN_VALUE + 1, -(1L << 32), -256L, -1L, 0L, 1L, 255L,
            256L, 1L << 32, Long.MAX_VALUE - 1, Long.MAX_VALUE);
    static final List<Integer> INT_EDGES = List.of(Integer.MIN_VALUE, Integer.MIN_VALUE + 1, -65536, -256, -1, 0, 1, 127, 128,
            255, 256, 65536, Integer.MAX_VALUE - 1, Integer.MAX_VALUE);
    static final List<Double> DOUBLE_EDGES = List.of(Double.NEGATIVE_INFINITY, -Double.MAX_VALUE, -1.0, -Double.MIN_NORMAL,
            -Double.MIN_VALUE, -0.0, 0.0, Double.MIN_VALUE, Double.MIN_NORMAL, 1.0, Math.nextUp(1.0), Double.MAX_VALUE,
            Double.POSITIVE_INFINITY, Double.NaN, nan(0x7ff0000000000001L), nan(0x7fffffffffffffffL), nan(0xfff8000000000000L),
            nan(0xfff0000000000001L), nan(0xffffffffffffffffL));
    static final List<String> STRING_EDGES = List.of("", "\u0000", "a", "a\u0000", "ab", "\u007f", "\u0080", "\u07ff", "\u0800",
            "\ud7ff", "\ue000", "\uffff", "\ud800\udc00", "\ud83d\ude00", "\udbff\udfff", "\ud83d\ude00\uffff", "\uffff\ud83d\ude00",
            "x".repeat(1000));
    /** Strings only the UTF-16 codec accepts. */
    static final List<String> UNPAIRED_SURROGATES = List.of("\ud800", "\udc00", "\udc00\ud800", "a\ud83d", "\ude00a",
            "\ud83d\ud83d\ude00", "\ud83d\ude00\ude00");
    static final List<byte[]> BYTES_EDGES = List.of(new byte[0], new byte[] {0}, new byte[] {0, 0}, new byte[] {1},
            new byte[] {0x7f}, new byte[] {(byte) 0x80}, new byte[] {(byte) 0xff}, new byte[] {(byte) 0xff, 0}, new byte[4096]);
    static final List<UUID> UUID_EDGES = List.of(new UUID(0, 0), new UUID(0, -1), new UUID(-1, 0), new UUID(-1, -1),
            new UUID(Long.MIN_VALUE, Long.MIN_VALUE), new UUID(Long.MAX_VALUE, Long.MAX_VALUE),
            new UUID(Long.MIN_VALUE, Long.MAX_VALUE), UUID.fromString("ffffffff-ffff-4fff-bfff-ffffffffffff"),
            UUID.fromString("00000000-0000-4000-8000-000000000000"), UUID.fromString("7fffffff-ffff-ffff-7fff-ffffffffffff"));

    private Samples() {
    }

    static double nan(long bits) {
        double d = Double.longBitsToDouble(bits);
        if (!Double.isNaN(d)) {
            throw new IllegalArgumentException(Long.toHexString(bits) + " is not a NaN");
        }
        return d;
    }

    static long anyLong(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> random.nextLong();
            case 1 -> random.nextInt(512) - 256;
            case 2 -> Long.MIN_VALUE + random.nextInt(256);
            case 3 -> Long.MAX_VALUE - random.nextInt(256);
            default -> (1L << random.nextInt(64)) + random.nextInt(3) - 1;
        };
    }

    static int anyInt(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> random.nextInt();
            case 1 -> random.nextInt(512) - 256;
            case 2 -> Integer.MIN_VALUE + random.nextInt(256);
            case 3 -> Integer.MAX_VALUE - random.nextInt(256);
            default -> (1 << random.nextInt(32)) + random.nextInt(3) - 1;
        };
    }

    /** Every bit pattern is possible, so NaNs with random payloads and signs, subnormals, ±0. */
    static double anyDouble(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> Double.longBitsToDouble(random.nextLong());
            case 1 -> random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20);
            case 2 -> random.nextInt(9) - 4;
            case 3 -> DOUBLE_EDGES.get(random.nextInt(DOUBLE_EDGES.size()));
            default -> Double.longBitsToDouble(0x7ff0000000000000L | random.nextLong() & 0x800fffffffffffffL | 1);
        };
    }

    /** A valid string (surrogates only in pairs), short half of the time. */
    static String anyString(Random random) {
        return string(random, false);
    }

    /** Any string, unpaired surrogates included. */
    static String anyUtf16(Random random) {
        return string(random, true);
    }

    private static String string(Random random, boolean unpaired) {
        int length = random.nextBoolean() ? random.nextInt(5) : random.nextInt(60);
        StringBuilder s = new StringBuilder();
        while (s.length() < length) {
            switch (random.nextInt(unpaired ? 6 : 5)) {
                case 0 -> s.append(TRICKY_CHARS.charAt(random.nextInt(TRICKY_CHARS.length())));
                case 1 -> s.append((char) ('a' + random.nextInt(3)));
                case 2 -> s.appendCodePoint(SUPPLEMENTARY[random.nextInt(SUPPLEMENTARY.length)]);
                case 3 -> s.appendCodePoint(Character.MIN_SUPPLEMENTARY_CODE_POINT
                        + random.nextInt(Character.MAX_CODE_POINT - Character.MIN_SUPPLEMENTARY_CODE_POINT + 1));
                case 4 -> s.append(nonSurrogate(random));
                default -> s.append((char) (Character.MIN_SURROGATE + random.nextInt(0x800)));
            }
        }
        return s.toString();
    }

    private static char nonSurrogate(Random random) {
        char c = (char) random.nextInt(0x10000);
        return Character.isSurrogate(c) ? 'z' : c;
    }

    static byte[] anyBytes(Random random) {
        return bytes(random, random.nextBoolean() ? random.nextInt(5) : random.nextInt(100));
    }

    static byte[] bytes(Random random, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = random.nextBoolean() ? TRICKY_BYTES[random.nextInt(TRICKY_BYTES.length)] : (byte) random.nextInt();
        }
        return b;
    }

    static UUID anyUuid(Random random) {
        return new UUID(anyLong(random), anyLong(random));
    }
}
