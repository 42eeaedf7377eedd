package io.regionpm.alloc;

import java.nio.file.Path;

import org.eclipse.collections.api.set.primitive.MutableLongSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Refused operations throw a clear exception and change nothing. */
class HeapBadInputTest {
    private static final long SIZE = 1L << 20;

    @TempDir
    Path dir;

    @Test
    void poolFullChangesNothingAndFreeingMakesRoom() {
        try (PoolFixture pool = PoolFixture.create(BackendKind.SIMULATED, dir, PoolSpec.of(SIZE))) {
            Heap heap = pool.heap();
            long last = 0;
            try (Lane lane = heap.acquireLane()) {
                try {
                    while (true) {
                        last = lane.allocate(4000, Lane.NO_SLOT);
                    }
                } catch (PoolFullException expected) {
                    assertThat(expected).hasMessageContaining("pool full");
                }
                HeapStats full = heap.stats();
                MutableLongSet before = HeapInvariants.allocated(heap);
                assertThatThrownBy(() -> lane.allocate(4000, Lane.NO_SLOT)).isInstanceOf(PoolFullException.class);
                assertThatThrownBy(() -> lane.allocate(SIZE * 2, Lane.NO_SLOT)).isInstanceOf(PoolFullException.class)
                        .hasMessageContaining("larger than the pool");
                assertThat(heap.stats()).isEqualTo(full);
                assertThat(HeapInvariants.allocated(heap)).isEqualTo(before);
                lane.freeBlock(last);
                assertThat(lane.allocate(4000, Lane.NO_SLOT)).isEqualTo(last);
            }
        }
    }

    @Test
    void invalidOffsetsAreRefusedWithoutChange() {
        try (PoolFixture pool = PoolFixture.create(BackendKind.SIMULATED, dir, PoolSpec.of(SIZE))) {
            Heap heap = pool.heap();
            long data = heap.descriptor().geometry().dataOffset();
            try (Lane lane = heap.acquireLane()) {
                long slots = lane.allocate(64, Lane.NO_SLOT);
                long block = lane.allocate(100, slots);
                MutableLongSet before = HeapInvariants.allocated(heap);
                assertThatThrownBy(() -> lane.freeBlock(block + 8)).isInstanceOf(PoolCorruptedException.class)
                        .hasMessageContaining("not a block start");
                assertThatThrownBy(() -> lane.freeBlock(12)).isInstanceOf(PoolCorruptedException.class)
                        .hasMessageContaining("outside the data region");
                assertThatThrownBy(() -> lane.freeBlock(data + (1 << 20))).isInstanceOf(PoolCorruptedException.class);
                assertThatThrownBy(() -> lane.free(slots + 8)).isInstanceOf(PoolCorruptedException.class);
                assertThatThrownBy(() -> lane.allocate(8, 16)).isInstanceOf(PoolCorruptedException.class)
                        .hasMessageContaining("slot 16");
                assertThatThrownBy(() -> lane.publish(block, Lane.NO_SLOT)).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("not reserved");
                assertThat(HeapInvariants.allocated(heap)).isEqualTo(before);
                lane.free(slots);
                assertThat(pool.memory().getLong(slots)).isZero();
                assertThatThrownBy(() -> lane.freeBlock(block)).isInstanceOf(PoolCorruptedException.class)
                        .hasMessageContaining("not an allocated block");
                assertThatThrownBy(() -> lane.allocate(0, Lane.NO_SLOT)).isInstanceOf(IllegalArgumentException.class);
            }
        }
    }

    @Test
    void aCorruptStateWordIsReportedNotFollowed() {
        try (PoolFixture pool = PoolFixture.create(BackendKind.SIMULATED, dir, PoolSpec.of(SIZE))) {
            Heap heap = pool.heap();
            long block;
            try (Lane lane = heap.acquireLane()) {
                block = lane.allocate(100, Lane.NO_SLOT);
            }
            PoolGeometry g = heap.descriptor().geometry();
            pool.memory().setLong(g.stateOffset(g.superblockOf(block)), 0xFF_FF01L);
            assertThatThrownBy(() -> heap.usableSize(block)).isInstanceOf(PoolCorruptedException.class);
            assertThatThrownBy(() -> heap.forEachAllocated(b -> { })).isInstanceOf(PoolCorruptedException.class);
        }
    }

    @Test
    void aClosedHeapRefusesEveryCall() {
        try (PoolFixture pool = PoolFixture.create(BackendKind.SIMULATED, dir, PoolSpec.of(SIZE))) {
            Heap heap = pool.heap();
            Lane lane = heap.acquireLane();
            long block = lane.allocate(10, Lane.NO_SLOT);
            heap.close();
            assertThatThrownBy(heap::acquireLane).isInstanceOf(PoolClosedException.class);
            assertThatThrownBy(() -> lane.allocate(10, Lane.NO_SLOT)).isInstanceOf(PoolClosedException.class);
            assertThatThrownBy(() -> lane.freeBlock(block)).isInstanceOf(PoolClosedException.class);
            lane.close();
            pool.reopen();
            assertThat(HeapInvariants.allocated(pool.heap()).toArray()).containsExactly(block);
        }
    }

    @Test
    void aLaneIsUsableOnlyByItsThread() throws Exception {
        try (PoolFixture pool = PoolFixture.create(BackendKind.SIMULATED, dir, PoolSpec.of(SIZE))) {
            try (Lane lane = pool.heap().acquireLane()) {
                Throwable[] thrown = new Throwable[1];
                Thread other = new Thread(() -> {
                    try {
                        lane.reserve(8);
                    } catch (Throwable t) {
                        thrown[0] = t;
                    }
                });
                other.start();
                other.join();
                assertThat(thrown[0]).isInstanceOf(IllegalStateException.class).hasMessageContaining("not held");
            }
        }
    }
}
