package io.regionpm.alloc.process;

import java.util.Arrays;

import io.regionpm.alloc.PersistentMemory;

/**
 * The stamp a child writes over every block it allocates, so that any later overlap with
 * another block, a block handed out twice, or a slot pointing at the wrong block shows.
 *
 * <pre>
 * | offset  | size      | field                                                 |
 * |       0 |         8 | stamp: owner (bits 56-63), slot index (40-55), seq (0-39) |
 * |       8 |         8 | stamped length L xor stamp                            |
 * |      16 |    L - 24 | the pattern byte of the stamp, repeated               |
 * |   L - 8 |         8 | stamp again (only when L >= 24)                       |
 * </pre>
 *
 * L is the requested size rounded down to 8 (at least 16); the block's usable size must be
 * at least L, which the parent checks.
 */
final class Stamp {
    static final int MIN_BYTES = 16;
    private static final long WORD1 = 8, BODY = 16;
    private static final int MAX_LENGTH = 1 << 20;

    private Stamp() {
    }

    /**
     * @param owner   1..255, the writer (child id)
     * @param slot    slot index, 0..65535
     * @param seq     a per-writer sequence number
     * @return the stamp word, never 0
     */
    static long of(int owner, int slot, long seq) {
        return (long) owner << 56 | (long) slot << 40 | seq & 0xFF_FFFF_FFFFL;
    }

    static int owner(long stamp) {
        return (int) (stamp >>> 56);
    }

    static int slot(long stamp) {
        return (int) (stamp >>> 40) & 0xFFFF;
    }

    /** @param requested bytes asked of the allocator @return bytes the stamp covers */
    static long lengthFor(long requested) {
        return Math.max(MIN_BYTES, requested & ~7L);
    }

    private static byte pattern(long stamp) {
        long z = stamp * 0x9E3779B97F4A7C15L;
        return (byte) (z >>> 56 ^ z >>> 17);
    }

    /** Writes the stamp over {@code [block, block + length)}; does not flush. */
    static void write(PersistentMemory pm, long block, long length, long stamp) {
        pm.setLong(block, stamp);
        pm.setLong(block + WORD1, length ^ stamp);
        if (length > BODY) {
            pm.fill(block + BODY, length - BODY - 8, pattern(stamp));
            pm.setLong(block + length - 8, stamp);
        }
    }

    /**
     * Reads and checks the stamp of a block.
     *
     * @param pm      the pool
     * @param block   the block's offset
     * @param owner   the expected owner
     * @param slot    the expected slot index
     * @param scratch a reusable buffer
     * @return the stamped length
     * @throws IllegalStateException describing the first mismatch
     */
    static long verify(PersistentMemory pm, long block, int owner, int slot, Scratch scratch) {
        long stamp = pm.getLong(block);
        if (owner(stamp) != owner || slot(stamp) != slot) {
            throw mismatch(block, owner, slot, stamp, "header names owner " + owner(stamp) + " slot " + slot(stamp));
        }
        long length = pm.getLong(block + WORD1) ^ stamp;
        if (length < MIN_BYTES || length > MAX_LENGTH || (length & 7) != 0) {
            throw mismatch(block, owner, slot, stamp, "length word decodes to " + length);
        }
        if (length > BODY) {
            long tail = pm.getLong(block + length - 8);
            if (tail != stamp) {
                throw mismatch(block, owner, slot, stamp, "tail word at +" + (length - 8) + " is 0x"
                        + Long.toHexString(tail));
            }
            int body = (int) (length - BODY - 8);
            int bad = scratch.firstMismatch(pm, block + BODY, body, pattern(stamp));
            if (bad >= 0) {
                throw mismatch(block, owner, slot, stamp, "body byte at +" + (BODY + bad) + " of " + length
                        + " differs from the pattern");
            }
        }
        return length;
    }

    private static IllegalStateException mismatch(long block, int owner, int slot, long stamp, String what) {
        return new IllegalStateException("STAMP MISMATCH at block " + block + " (expected owner " + owner
                + " slot " + slot + ", stamp 0x" + Long.toHexString(stamp) + "): " + what);
    }

    /** Reusable buffers for comparing a block's body with its pattern. */
    static final class Scratch {
        private byte[] read = new byte[0];
        private byte[] expected = new byte[0];

        int firstMismatch(PersistentMemory pm, long offset, int length, byte value) {
            if (read.length < length) {
                read = new byte[length];
                expected = new byte[length];
            }
            pm.read(offset, read, 0, length);
            Arrays.fill(expected, 0, length, value);
            return Arrays.mismatch(read, 0, length, expected, 0, length);
        }
    }
}
