package io.regionpm.recovery.log;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import io.regionpm.alloc.BackendKind;
import io.regionpm.alloc.PersistenceBackend;
import io.regionpm.alloc.PersistentMemory;

/**
 * Fast test memory: a zeroed off-heap segment where every store is durable at once (as on
 * {@code /dev/shm}), counting flushes and drains so that tests can check the fence budget.
 * Copies stand for "the bytes a crash left", taken at any instant.
 */
final class PlainMemory implements PersistenceBackend, AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final MemorySegment segment;
    private final PersistentMemory memory;
    private int flushes;
    private int drains;

    private PlainMemory(long size) {
        segment = arena.allocate(size, 64);
        memory = PersistentMemory.of(segment, this);
    }

    static PlainMemory create(long size) {
        return new PlainMemory(size);
    }

    PersistentMemory memory() {
        return memory;
    }

    /** @return a new memory holding these bytes */
    PlainMemory copy() {
        PlainMemory copy = new PlainMemory(segment.byteSize());
        copy.segment.copyFrom(segment);
        return copy;
    }

    int flushes() {
        return flushes;
    }

    int drains() {
        return drains;
    }

    @Override
    public BackendKind kind() {
        return BackendKind.SHM;
    }

    @Override
    public void flush(long offset, long length) {
        flushes++;
    }

    @Override
    public void drain() {
        drains++;
    }

    @Override
    public Object storageIdentity() {
        return this;
    }

    @Override
    public void close() {
        arena.close();
    }
}
