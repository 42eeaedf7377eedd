package io.regionpm.alloc.process;

import java.util.Random;

import io.regionpm.alloc.Heap;
import io.regionpm.alloc.Lane;
import io.regionpm.alloc.PersistentMemory;

/**
 * One child's random allocate/free loop over its own slot array: an empty slot gets a new,
 * stamped block; a full slot has its stamp verified and its block freed. The slot array is a
 * block of {@code slots} 8-byte words; 0 means empty.
 *
 * <p>Thread-safety: one thread (it holds one lane).
 */
final class SlotWorker {
    /** How a new block is published into its slot. */
    enum Publication {
        /**
         * Mixed: {@code allocate(bytes, slot)} and then stamp, or reserve, stamp, flush and
         * publish, with an occasional cancelled reservation. Not safe against kills (a kill
         * between allocate and stamping leaves an unstamped published block).
         */
        MIXED,
        /** Always reserve, stamp, flush, publish: every published block is stamped. */
        STAMP_BEFORE_PUBLISH
    }

    private final PersistentMemory pm;
    private final Lane lane;
    private final long array;
    private final int slots;
    private final int owner;
    private final Random random;
    private final Publication publication;
    private final Stamp.Scratch scratch = new Stamp.Scratch();
    private long seq;
    private long allocations;
    private long frees;
    private long cancels;

    SlotWorker(Heap heap, Lane lane, long array, int slots, int owner, long firstSeq, Random random,
               Publication publication) {
        this.pm = heap.memory();
        this.lane = lane;
        this.array = array;
        this.slots = slots;
        this.owner = owner;
        this.seq = firstSeq;
        this.random = random;
        this.publication = publication;
    }

    /** Verifies the stamp of every full slot; @return how many were full. */
    int verifyAll() {
        int full = 0;
        for (int i = 0; i < slots; i++) {
            long block = pm.getLongAcquire(slotOffset(i));
            if (block != 0) {
                Stamp.verify(pm, block, owner, i, scratch);
                full++;
            }
        }
        return full;
    }

    /** One random operation on one random slot. */
    void step() {
        int index = random.nextInt(slots);
        long slot = slotOffset(index);
        long block = pm.getLongAcquire(slot);
        if (block != 0) {
            Stamp.verify(pm, block, owner, index, scratch);
            lane.free(slot);
            frees++;
            return;
        }
        long bytes = randomSize();
        long stamp = Stamp.of(owner, index, ++seq);
        long length = Stamp.lengthFor(bytes);
        if (publication == Publication.MIXED && random.nextBoolean()) {
            long fresh = lane.allocate(bytes, slot);
            Stamp.write(pm, fresh, length, stamp);
        } else {
            long fresh = lane.reserve(bytes);
            Stamp.write(pm, fresh, length, stamp);
            if (publication == Publication.MIXED && random.nextInt(16) == 0) {
                lane.cancel(fresh);
                cancels++;
                return;
            }
            pm.flush(fresh, length);
            lane.publish(fresh, slot);
        }
        allocations++;
    }

    private long randomSize() {
        int dice = random.nextInt(100);
        if (dice < 3) {
            return random.nextInt(70_000, 200_001);
        }
        if (dice < 6) {
            return random.nextInt(3_001, 16_385);
        }
        return random.nextInt(Stamp.MIN_BYTES, 3_001);
    }

    private long slotOffset(int index) {
        return array + 8L * index;
    }

    String summary() {
        return "allocations=" + allocations + " frees=" + frees + " cancels=" + cancels;
    }
}
