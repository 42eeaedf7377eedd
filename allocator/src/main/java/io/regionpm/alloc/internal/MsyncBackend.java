package io.regionpm.alloc.internal;

import java.io.IOException;
import java.io.UncheckedIOException;

import io.regionpm.alloc.BackendKind;
import io.regionpm.alloc.PersistenceBackend;

/**
 * An ordinary file: {@link #flush} is a synchronous {@code msync(MS_SYNC)} of the pages
 * covering the range, so {@link #drain} has nothing left to do.
 *
 * <p>Thread-safety: stateless after construction; safe from any thread.
 */
public final class MsyncBackend implements PersistenceBackend {
    private final long base;
    private final long pageMask;
    private final Object identity;

    /**
     * @param base     address of the first byte of the mapping (page aligned)
     * @param identity the file's key
     */
    public MsyncBackend(long base, Object identity) {
        this.base = base;
        this.pageMask = NativeCalls.pageSize() - 1L;
        this.identity = identity;
    }

    @Override
    public BackendKind kind() {
        return BackendKind.FILE;
    }

    @Override
    public void flush(long offset, long length) {
        long start = (base + offset) & ~pageMask;
        long end = base + offset + Math.max(length, 1);
        try {
            NativeCalls.msync(start, end - start);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void drain() {
        // msync is synchronous: every flushed range is already durable.
    }

    @Override
    public Object storageIdentity() {
        return identity;
    }
}
