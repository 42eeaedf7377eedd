package io.regionpm.alloc.internal;

import io.regionpm.alloc.BackendKind;
import io.regionpm.alloc.PersistenceBackend;

/**
 * A tmpfs file such as {@code /dev/shm}: memory is the medium, so flush and drain do
 * nothing. Stores are still atomic against process crashes; nothing survives a reboot.
 *
 * <p>Thread-safety: stateless; safe from any thread.
 */
public final class ShmBackend implements PersistenceBackend {
    private final Object identity;

    /** @param identity the file's key */
    public ShmBackend(Object identity) {
        this.identity = identity;
    }

    @Override
    public BackendKind kind() {
        return BackendKind.SHM;
    }

    @Override
    public void flush(long offset, long length) {
        // nothing to write back
    }

    @Override
    public void drain() {
        // nothing to wait for
    }

    @Override
    public Object storageIdentity() {
        return identity;
    }
}
