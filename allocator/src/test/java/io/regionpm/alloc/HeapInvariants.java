package io.regionpm.alloc;

import java.util.Arrays;

import org.eclipse.collections.api.set.primitive.LongSet;
import org.eclipse.collections.api.set.primitive.MutableLongSet;
import org.eclipse.collections.impl.set.mutable.primitive.LongHashSet;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks a heap against what the test knows must be allocated. */
final class HeapInvariants {
    private HeapInvariants() {
    }

    /** @return every allocated block of the heap */
    static MutableLongSet allocated(Heap heap) {
        MutableLongSet live = new LongHashSet();
        heap.forEachAllocated(live::add);
        return live;
    }

    /**
     * Asserts that the allocated blocks are exactly {@code expected} (nothing leaked,
     * nothing referenced is free) and that no two of them overlap.
     */
    static void assertAllocatedExactly(Heap heap, LongSet expected, String context) {
        MutableLongSet live = allocated(heap);
        assertThat(live.difference(expected).toSortedArray()).as("%s: leaked blocks", context).isEmpty();
        assertThat(expected.difference(live).toSortedArray()).as("%s: referenced but free", context).isEmpty();
        assertNoOverlap(heap, live, context);
    }

    static void assertNoOverlap(Heap heap, LongSet live, String context) {
        long[] sorted = live.toSortedArray();
        for (int i = 1; i < sorted.length; i++) {
            long end = sorted[i - 1] + heap.usableSize(sorted[i - 1]);
            assertThat(end).as("%s: block %d overlaps %d", context, sorted[i - 1], sorted[i]).isLessThanOrEqualTo(sorted[i]);
        }
        assertThat(Arrays.stream(sorted).allMatch(b -> (b & 7) == 0)).as("8-byte alignment").isTrue();
    }
}
