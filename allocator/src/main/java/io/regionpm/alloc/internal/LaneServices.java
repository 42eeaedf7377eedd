package io.regionpm.alloc.internal;

/**
 * What a {@link LaneAllocator} asks of the heap that holds it: operations on other lanes,
 * which need the heap's view of which lanes this process holds.
 *
 * <p>Thread-safety: implementations are safe; they may be called from any lane's holder.
 */
public interface LaneServices {

    /**
     * Takes over the SMALL superblocks of every lane no live process holds (recovering such
     * a lane first); called when the pool looks full.
     *
     * @param into the lane that receives them
     * @return whether any superblock was taken over
     */
    boolean adoptIdleLanes(LaneIndex into);

    /**
     * Called after a free left a superblock of another lane empty: if no process holds that
     * lane, returns the superblock to FREE (under the intent fence) so that the space shows
     * as free and any lane can use it.
     *
     * @param superblock the superblock
     * @param owner      its owner lane
     */
    void releaseIfOrphaned(long superblock, int owner);
}
