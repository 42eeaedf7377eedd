package io.regionpm.alloc.internal;

import java.lang.foreign.MemorySegment;

import io.regionpm.alloc.BackendKind;
import io.regionpm.alloc.PersistenceBackend;

/**
 * A DAX file mapped with {@code MAP_SYNC} ({@code ExtendedMapMode.READ_WRITE_SYNC}):
 * {@link #flush} writes the covering cache lines back with {@link MemorySegment#force()},
 * which the JDK fences on both sides, so {@link #drain} has nothing left to do.
 *
 * <p>Thread-safety: stateless after construction; safe from any thread.
 */
public final class DaxBackend implements PersistenceBackend {
    private final MemorySegment mapping;
    private final Object identity;

    /**
     * @param mapping  the whole MAP_SYNC mapping
     * @param identity the file's key
     */
    public DaxBackend(MemorySegment mapping, Object identity) {
        this.mapping = mapping;
        this.identity = identity;
    }

    @Override
    public BackendKind kind() {
        return BackendKind.DAX;
    }

    @Override
    public void flush(long offset, long length) {
        mapping.asSlice(offset, Math.max(length, 1)).force();
    }

    @Override
    public void drain() {
        // force() on a sync mapping ends with a store fence.
    }

    @Override
    public Object storageIdentity() {
        return identity;
    }
}
