package io.regionpm.tree;

import io.regionpm.tree.internal.OrderedStore;

/**
 * The access of a snapshot: reads go to the pinned store until {@link #close()}; writes are
 * refused; after {@link #close()} every call throws {@link IllegalStateException}.
 *
 * <p>Thread-safety: safe; {@link #close()} may race with reads, which then fail with
 * {@link IllegalStateException} (the pinned store's own check).
 *
 * @param <K> keys
 * @param <V> values
 */
final class PinnedAccess<K, V> implements StoreAccess<K, V> {
    private final OrderedStore.Pinned<K, V> pinned;
    private volatile boolean closed;

    PinnedAccess(OrderedStore.Pinned<K, V> pinned) {
        this.pinned = pinned;
    }

    @Override
    public OrderedStore<K, V> reader() {
        if (closed) {
            throw new IllegalStateException("the snapshot is closed");
        }
        return pinned;
    }

    @Override
    public OrderedStore<K, V> writer() {
        reader();
        throw new UnsupportedOperationException("a snapshot is read-only");
    }

    /** Releases the pinned state once; idempotent. */
    void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        pinned.close();
    }
}
