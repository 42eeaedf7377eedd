package io.regionpm.alloc.internal.pmsync;

import java.lang.invoke.VarHandle;

import io.regionpm.alloc.BackendKind;
import io.regionpm.alloc.PersistenceBackend;

/**
 * The back end of a {@code PMSYNC} working image: {@link #flush} marks the range's 4 KiB
 * pages dirty in the shared bitmap, which is all a flush needs to do, since nothing is
 * durable before the next pmsync copies those pages; {@link #drain} is a full fence.
 *
 * <p>Thread-safety: safe from any thread of any process.
 */
public final class PmsyncBackend implements PersistenceBackend {
    private final DirtyPages dirty;
    private final Object identity;

    /**
     * @param dirty    the shared dirty-page bitmap
     * @param identity the working image's file key
     */
    public PmsyncBackend(DirtyPages dirty, Object identity) {
        this.dirty = dirty;
        this.identity = identity;
    }

    @Override
    public BackendKind kind() {
        return BackendKind.PMSYNC;
    }

    @Override
    public void flush(long offset, long length) {
        dirty.mark(offset, length);
    }

    @Override
    public void drain() {
        VarHandle.fullFence();
    }

    @Override
    public Object storageIdentity() {
        return identity;
    }
}
