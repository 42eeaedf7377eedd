package io.regionpm.alloc.internal;

/**
 * A validated block.
 *
 * @param offset     its pool offset
 * @param superblock the superblock holding it (the head for a large run)
 * @param index      its bit index in that superblock's bitmap
 * @param sizeClass  its size class, or -1 for a large run
 * @param size       usable bytes
 * @param state      the superblock's state word when it was resolved
 */
public record Block(long offset, long superblock, int index, int sizeClass, long size, long state) {

    /** @return whether it is a large run */
    public boolean large() {
        return sizeClass < 0;
    }

    /** @return the lane owning its superblock, or -1 */
    public int owner() {
        return SuperblockState.owner(state);
    }
}
