package io.regionpm.alloc.process;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.collections.api.set.primitive.MutableLongSet;
import org.eclipse.collections.impl.set.mutable.primitive.LongHashSet;

import io.regionpm.alloc.Heap;
import io.regionpm.alloc.Lane;
import io.regionpm.alloc.PersistentMemory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The slot arrays the parent hands to its children (one block of {@link #SLOTS} words each,
 * allocated with no slot), and the checks of a heap against them: the allocated blocks are
 * exactly the arrays and the blocks their slots point at, no two overlap, and every block
 * carries the stamp of the child and slot that own it.
 */
final class SlotArrays {
    static final int SLOTS = 1024;
    static final long BYTES = 8L * SLOTS;

    private final long[] offsets;
    private final int[] owners;

    private SlotArrays(long[] offsets, int[] owners) {
        this.offsets = offsets;
        this.owners = owners;
    }

    /**
     * Allocates one zeroed, durable slot array per owner.
     *
     * @param heap   the heap
     * @param owners the child ids, 1..255
     * @return the arrays
     */
    static SlotArrays allocate(Heap heap, int... owners) {
        PersistentMemory pm = heap.memory();
        long[] offsets = new long[owners.length];
        try (Lane lane = heap.acquireLane()) {
            for (int i = 0; i < owners.length; i++) {
                offsets[i] = lane.allocate(BYTES, Lane.NO_SLOT);
                pm.fill(offsets[i], BYTES, (byte) 0);
                pm.persist(offsets[i], BYTES);
            }
        }
        return new SlotArrays(offsets, owners.clone());
    }

    /** @param i index @return the pool offset of the i-th array */
    long offset(int i) {
        return offsets[i];
    }

    /** @param i index @return the owner id of the i-th array */
    int owner(int i) {
        return owners[i];
    }

    /**
     * @param pm the pool
     * @return the arrays and every block a slot points at; fails if two slots hold one block
     */
    MutableLongSet referenced(PersistentMemory pm, String context) {
        MutableLongSet expected = new LongHashSet();
        for (long array : offsets) {
            assertThat(expected.add(array)).as("%s: slot array %d listed twice", context, array).isTrue();
        }
        for (int a = 0; a < offsets.length; a++) {
            for (int i = 0; i < SLOTS; i++) {
                long block = pm.getLongAcquire(offsets[a] + 8L * i);
                if (block != 0) {
                    assertThat(expected.add(block))
                            .as("%s: block %d (owner %d slot %d) is referenced twice", context, block, owners[a], i)
                            .isTrue();
                }
            }
        }
        return expected;
    }

    /** @param heap the heap @return every allocated block */
    static MutableLongSet allocated(Heap heap) {
        MutableLongSet live = new LongHashSet();
        heap.forEachAllocated(live::add);
        return live;
    }

    /**
     * How far the allocation state is from the slots: the size of the symmetric difference
     * between allocated and referenced blocks. Only an operation in flight (a dead process's
     * intent not yet redone) may make it nonzero.
     */
    int discrepancy(Heap heap, String context) {
        MutableLongSet live = allocated(heap);
        MutableLongSet expected = referenced(heap.memory(), context);
        return live.difference(expected).size() + expected.difference(live).size();
    }

    /**
     * Asserts every invariant of a heap the children have used.
     *
     * @return how many blocks are allocated
     */
    int assertConsistent(Heap heap, String context) {
        PersistentMemory pm = heap.memory();
        MutableLongSet live = allocated(heap);
        MutableLongSet expected = referenced(pm, context);
        assertThat(live.difference(expected).toSortedArray()).as("%s: leaked blocks (allocated, not referenced)", context)
                .isEmpty();
        assertThat(expected.difference(live).toSortedArray()).as("%s: referenced blocks that are free", context)
                .isEmpty();
        assertNoOverlap(heap, live, context);
        assertStamped(heap, context);
        return live.size();
    }

    private static void assertNoOverlap(Heap heap, MutableLongSet live, String context) {
        long[] sorted = live.toSortedArray();
        for (int i = 0; i < sorted.length; i++) {
            assertThat(sorted[i] & 7).as("%s: block %d is not 8-aligned", context, sorted[i]).isZero();
            if (i > 0) {
                long end = sorted[i - 1] + heap.usableSize(sorted[i - 1]);
                assertThat(end).as("%s: block %d (usable %d) overlaps block %d", context, sorted[i - 1],
                        heap.usableSize(sorted[i - 1]), sorted[i]).isLessThanOrEqualTo(sorted[i]);
            }
        }
    }

    private void assertStamped(Heap heap, String context) {
        PersistentMemory pm = heap.memory();
        Stamp.Scratch scratch = new Stamp.Scratch();
        List<String> bad = new ArrayList<>();
        for (int a = 0; a < offsets.length; a++) {
            for (int i = 0; i < SLOTS; i++) {
                long block = pm.getLongAcquire(offsets[a] + 8L * i);
                if (block == 0) {
                    continue;
                }
                try {
                    long length = Stamp.verify(pm, block, owners[a], i, scratch);
                    long usable = heap.usableSize(block);
                    if (length > usable) {
                        bad.add("block " + block + " stamped over " + length + " bytes but usable " + usable);
                    }
                } catch (IllegalStateException e) {
                    bad.add(e.getMessage());
                }
            }
        }
        assertThat(bad).as("%s: stamps", context).isEmpty();
    }
}
