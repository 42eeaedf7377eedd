package io.regionpm.alloc.internal;

import java.util.function.Consumer;

import io.regionpm.alloc.PoolGeometry;

import static io.regionpm.alloc.internal.SuperblockState.KIND_FREE;
import static io.regionpm.alloc.internal.SuperblockState.KIND_HEAD;
import static io.regionpm.alloc.internal.SuperblockState.KIND_SMALL;
import static io.regionpm.alloc.internal.SuperblockState.KIND_TAIL;

/**
 * Checks one superblock's state word and bitmap against the invariants of docs/format.md
 * ("Superblock state word"): a known kind with no stray bits, an existing size class, an
 * owner lane in the lane table, no bitmap bit beyond the blocks the kind holds (none for
 * FREE and LARGE_TAIL, bit 0 only for LARGE_HEAD), and large runs that fit in the pool and
 * consist of a head followed by exactly the right tails.
 *
 * <p>Thread-safety: reads only, safe. Process-safety: meant for a quiescent pool; while other
 * processes allocate, a run being claimed or released can be reported as broken. Crash
 * behaviour: changes nothing; a run left half claimed or half released by a dead lane is
 * reported until that lane is recovered.
 */
public final class SuperblockVerifier {
    private static final int BITMAP_WORDS = PoolGeometry.BITMAP_BYTES / 8;
    private static final long CLASS_BITS = 0xFFL << 8;
    private final SuperblockTable table;
    private final PoolGeometry g;

    /** @param table the state table and bitmaps to check */
    public SuperblockVerifier(SuperblockTable table) {
        this.table = table;
        this.g = table.geometry();
    }

    /**
     * Checks one superblock, reporting each problem as a message naming it.
     *
     * @param sb  the superblock
     * @param out receives the problems
     */
    public void verify(long sb, Consumer<String> out) {
        long state = table.state(sb);
        switch (SuperblockState.kind(state)) {
            case KIND_FREE -> verifyFree(sb, state, out);
            case KIND_SMALL -> verifySmall(sb, state, out);
            case KIND_HEAD -> verifyHead(sb, state, out);
            case KIND_TAIL -> verifyTail(sb, state, out);
            default -> report(out, sb, "invalid kind " + SuperblockState.kind(state) + " in state word 0x"
                    + Long.toHexString(state));
        }
    }

    private void verifyFree(long sb, long state, Consumer<String> out) {
        if (state != SuperblockState.FREE) {
            report(out, sb, "FREE state word has stray bits 0x" + Long.toHexString(state));
        }
        checkBitmap(sb, 0, "a FREE superblock", out);
    }

    private void verifySmall(long sb, long state, Consumer<String> out) {
        checkOwner(sb, state, out);
        if (SuperblockState.run(state) != 0) {
            report(out, sb, "SMALL state word has stray bits 0x" + Long.toHexString(state));
        }
        int cls = SuperblockState.sizeClass(state);
        if (cls >= SizeClasses.count()) {
            report(out, sb, "SMALL size class " + cls + " does not exist (classes 0.." + (SizeClasses.count() - 1)
                    + "); its bitmap cannot be checked");
            return;
        }
        int blocks = SizeClasses.blocks(cls);
        checkBitmap(sb, blocks, "SMALL(class " + cls + ", " + SizeClasses.size(cls) + " bytes, " + blocks
                + " blocks)", out);
    }

    private void verifyHead(long sb, long state, Consumer<String> out) {
        checkOwner(sb, state, out);
        checkNoClass(sb, state, out);
        checkBitmap(sb, 1, "a LARGE_HEAD", out);
        long run = SuperblockState.run(state);
        if (run < 1 || run > g.superblockCount() - sb) {
            report(out, sb, SuperblockState.describe(state) + " does not fit in the pool (superblocks " + sb
                    + " to " + (g.superblockCount() - 1) + ")");
            return;
        }
        int owner = SuperblockState.owner(state);
        for (long d = 1; d < run; d++) {
            long tail = table.state(sb + d);
            if (tail != SuperblockState.tail(owner, d)) {
                report(out, sb, SuperblockState.describe(state) + ": superblock " + (sb + d) + " is "
                        + SuperblockState.describe(tail) + ", expected "
                        + SuperblockState.describe(SuperblockState.tail(owner, d)));
                return;
            }
        }
    }

    private void verifyTail(long sb, long state, Consumer<String> out) {
        checkOwner(sb, state, out);
        checkNoClass(sb, state, out);
        checkBitmap(sb, 0, "a LARGE_TAIL", out);
        long distance = SuperblockState.run(state);
        if (distance < 1 || distance > sb) {
            report(out, sb, SuperblockState.describe(state) + " points outside the pool");
            return;
        }
        long head = table.state(sb - distance);
        if (SuperblockState.kind(head) != KIND_HEAD || SuperblockState.owner(head) != SuperblockState.owner(state)
                || SuperblockState.run(head) <= distance) {
            report(out, sb, "detached " + SuperblockState.describe(state) + ": superblock " + (sb - distance)
                    + " is " + SuperblockState.describe(head));
        }
    }

    private void checkOwner(long sb, long state, Consumer<String> out) {
        int owner = SuperblockState.owner(state);
        if (owner < 0 || owner >= g.laneCount()) {
            report(out, sb, SuperblockState.describe(state) + ": owner lane " + owner + " is not in the lane table (0.."
                    + (g.laneCount() - 1) + ")");
        }
    }

    private void checkNoClass(long sb, long state, Consumer<String> out) {
        if ((state & CLASS_BITS) != 0) {
            report(out, sb, "large-run state word has stray size-class bits 0x" + Long.toHexString(state));
        }
    }

    /** Reports the first bitmap word with a bit at or beyond {@code validBits}. */
    private void checkBitmap(long sb, int validBits, String what, Consumer<String> out) {
        for (int w = validBits >>> 6; w < BITMAP_WORDS; w++) {
            long allowed = w == validBits >>> 6 ? (1L << (validBits & 63)) - 1 : 0;
            long word = table.bitmapWord(sb, w);
            if ((word & ~allowed) != 0) {
                report(out, sb, "bitmap bits set beyond the " + validBits + " block(s) of " + what + " (word " + w
                        + " = 0x" + Long.toHexString(word) + ")");
                return;
            }
        }
    }

    private static void report(Consumer<String> out, long sb, String problem) {
        out.accept("superblock " + sb + ": " + problem);
    }
}
