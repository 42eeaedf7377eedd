package io.regionpm.recovery.check;

import java.nio.file.Path;

import io.regionpm.alloc.Heap;
import io.regionpm.alloc.Lane;
import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolFile;
import io.regionpm.alloc.PoolGeometry;
import io.regionpm.alloc.PoolSpec;

/**
 * A pool file for checker tests, attached, with a zeroed 64-byte root block whose words are
 * the roots of the toy lists.
 */
final class CheckerPool implements AutoCloseable {
    static final int ROOT_BLOCK_BYTES = 64;
    final PoolFile file;
    final Heap heap;
    final PersistentMemory pm;
    final long rootBlock;

    CheckerPool(Path path, long size) {
        this.file = PoolFile.create(path, PoolSpec.of(size).withLanes(4));
        this.heap = Heap.attach(file);
        this.pm = file.memory();
        try (Lane lane = heap.acquireLane()) {
            rootBlock = lane.reserve(ROOT_BLOCK_BYTES);
            pm.fill(rootBlock, ROOT_BLOCK_BYTES, (byte) 0);
            pm.flush(rootBlock, ROOT_BLOCK_BYTES);
            lane.publish(rootBlock, Lane.NO_SLOT);
        }
    }

    /** @param i the root word's index in the root block @return its offset */
    long rootSlot(int i) {
        return rootBlock + 8L * i;
    }

    /** @param i the root word's index @return a toy-list root there */
    CheckRoot root(int i) {
        return new CheckRoot("list" + i, ToyList.TYPE, rootSlot(i));
    }

    PoolGeometry geometry() {
        return file.descriptor().geometry();
    }

    @Override
    public void close() {
        heap.close();
        file.close();
    }
}
