package io.regionpm.alloc.internal;

/**
 * The 8-byte state word of a superblock, one per superblock in the state table, changed
 * only by compare-and-set.
 *
 * <pre>
 * | bits  | field                                                        |
 * |  0-7  | kind: 0 FREE, 1 SMALL, 2 LARGE_HEAD, 3 LARGE_TAIL            |
 * |  8-15 | size class (SMALL)                                           |
 * | 16-31 | owner lane + 1 (0: none)                                     |
 * | 32-63 | run length (LARGE_HEAD) or distance to the head (LARGE_TAIL) |
 * </pre>
 *
 * <p>A FREE superblock has an all-zero bitmap. A SMALL superblock belongs to its owner lane,
 * the only lane that allocates from it. A large object is a LARGE_HEAD followed by
 * run-1 LARGE_TAILs; it is allocated when bit 0 of the head's bitmap is set, and a head
 * with a clear bit is a reservation of its owner lane.
 */
public final class SuperblockState {
    /** The state of an unused superblock. */
    public static final long FREE = 0;
    /** Kind codes. */
    public static final int KIND_FREE = 0, KIND_SMALL = 1, KIND_HEAD = 2, KIND_TAIL = 3;

    private SuperblockState() {
    }

    /** @param cls size class @param lane owner @return a SMALL state */
    public static long small(int cls, int lane) {
        return KIND_SMALL | (long) cls << 8 | (long) (lane + 1) << 16;
    }

    /** @param lane owner @param run superblocks @return a LARGE_HEAD state */
    public static long head(int lane, long run) {
        return KIND_HEAD | (long) (lane + 1) << 16 | run << 32;
    }

    /** @param lane owner @param distance to the head @return a LARGE_TAIL state */
    public static long tail(int lane, long distance) {
        return KIND_TAIL | (long) (lane + 1) << 16 | distance << 32;
    }

    /** @param state a state word @return its kind */
    public static int kind(long state) {
        return (int) (state & 0xFF);
    }

    /** @param state a SMALL state @return its size class */
    public static int sizeClass(long state) {
        return (int) (state >>> 8 & 0xFF);
    }

    /** @param state a state word @return its owner lane, or -1 */
    public static int owner(long state) {
        return (int) (state >>> 16 & 0xFFFF) - 1;
    }

    /** @param state a LARGE state @return run length or distance to head */
    public static long run(long state) {
        return state >>> 32;
    }

    /**
     * @param state a state word
     * @return it, readable, for messages
     */
    public static String describe(long state) {
        return switch (kind(state)) {
            case KIND_FREE -> state == FREE ? "FREE" : "FREE(bad bits 0x" + Long.toHexString(state) + ")";
            case KIND_SMALL -> "SMALL(class " + sizeClass(state) + ", lane " + owner(state) + ")";
            case KIND_HEAD -> "LARGE_HEAD(run " + run(state) + ", lane " + owner(state) + ")";
            case KIND_TAIL -> "LARGE_TAIL(distance " + run(state) + ", lane " + owner(state) + ")";
            default -> "invalid state 0x" + Long.toHexString(state);
        };
    }
}
