package io.regionpm.alloc.internal;

import org.eclipse.collections.api.list.primitive.MutableLongList;
import org.eclipse.collections.api.set.primitive.MutableLongSet;
import org.eclipse.collections.impl.list.mutable.primitive.LongArrayList;
import org.eclipse.collections.impl.set.mutable.primitive.LongHashSet;

import io.regionpm.alloc.PoolGeometry;

/**
 * A lane's volatile index for one size class: the superblocks of that class the lane owns,
 * those that may have free blocks, and a shadow of the current superblock's bitmap in which
 * reserved blocks are also marked. Rebuilt from the pool (the truth) whenever a lane is
 * claimed. Its size grows with the number of superblocks, never with the number of blocks.
 *
 * <p>Thread-safety: used only by the thread holding the lane.
 */
final class ClassCache {
    final int cls;
    final int size;
    final int blocks;
    final int words;
    final MutableLongList owned = new LongArrayList();
    private final MutableLongList partial = new LongArrayList();
    private final MutableLongSet partialSet = new LongHashSet();
    final long[] shadow;
    long current = -1;
    long currentBase;
    private int cursor;
    long seenRemoteFrees;

    ClassCache(int cls) {
        this.cls = cls;
        this.size = SizeClasses.size(cls);
        this.blocks = SizeClasses.blocks(cls);
        this.words = SizeClasses.words(cls);
        this.shadow = new long[words];
    }

    /** @return a free block of the current superblock, marked in the shadow, or -1 */
    long take() {
        if (current < 0) {
            return -1;
        }
        for (int w = cursor; w < words; w++) {
            long bits = shadow[w];
            if (bits != -1L) {
                int bit = Long.numberOfTrailingZeros(~bits);
                shadow[w] = bits | 1L << bit;
                cursor = w;
                return currentBase + (long) ((w << 6) + bit) * size;
            }
        }
        cursor = words;
        return -1;
    }

    /** @param block a block of the current superblock to mark free in the shadow */
    void untake(long block) {
        int index = (int) ((block - currentBase) / size);
        shadow[index >>> 6] &= ~(1L << index);
        cursor = Math.min(cursor, index >>> 6);
    }

    /** @param block any block @return whether it lies in the current superblock */
    boolean inCurrent(long block) {
        return current >= 0 && block >= currentBase && block < currentBase + PoolGeometry.SUPERBLOCK_BYTES;
    }

    /**
     * Makes {@code sb} current with the given occupancy.
     *
     * @param sb       superblock
     * @param base     its offset
     * @param occupied bitmap words with reserved and in-flight blocks added
     */
    void load(long sb, long base, long[] occupied) {
        current = sb;
        currentBase = base;
        System.arraycopy(occupied, 0, shadow, 0, words);
        int tail = blocks & 63;
        if (tail != 0) {
            shadow[words - 1] |= -1L << tail;
        }
        cursor = 0;
    }

    void addPartial(long sb) {
        if (sb != current && partialSet.add(sb)) {
            partial.add(sb);
        }
    }

    /** @return a superblock that may have free blocks, removed from the list, or -1 */
    long nextPartial() {
        if (partial.isEmpty()) {
            return -1;
        }
        long sb = partial.removeAtIndex(partial.size() - 1);
        partialSet.remove(sb);
        return sb;
    }

    void forget(long sb) {
        owned.remove(sb);
        if (partialSet.remove(sb)) {
            partial.remove(sb);
        }
        if (current == sb) {
            current = -1;
        }
    }
}
