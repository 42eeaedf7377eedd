package io.regionpm.tree.internal;

import java.util.function.Supplier;

import io.regionpm.core.Codec;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.recovery.ReaderEpochs;

/**
 * What every engine's pinned view shares: the tree it was taken from, the reader epoch held
 * open on one published root (so no node reachable from it is reused while it is open), the
 * root and the entry count of that state, refusal of every write, and closing. Subclasses read
 * from {@link #root()}.
 *
 * <p>Thread-safety: reads are safe from any thread until {@link #close()}; after it every call
 * throws {@link IllegalStateException}. Writes throw {@link UnsupportedOperationException}.
 * Process-safety: the epoch is in the pool, so writers in every JVM keep the pinned nodes; the
 * blocks they retire meanwhile wait in their lanes' limbo (its overflow pages grow) until the
 * view is closed, so close it promptly.
 *
 * @param <K> keys
 * @param <V> values
 */
public abstract class PinnedState<K, V> implements OrderedStore.Pinned<K, V> {
    private final OrderedStore<K, V> tree;
    private final String what;
    private final ReaderEpochs.ReadGuard guard;
    private final long root;
    private final long count;
    private volatile boolean closed;

    /**
     * @param tree  the tree pinned
     * @param what  how messages name it
     * @param guard the reader epoch held until {@link #close()}
     * @param root  the pinned root (0: empty)
     * @param count its entry count
     */
    protected PinnedState(OrderedStore<K, V> tree, String what, ReaderEpochs.ReadGuard guard, long root, long count) {
        this.tree = tree;
        this.what = what;
        this.guard = guard;
        this.root = root;
        this.count = count;
    }

    /** @return the pinned root (0: empty) */
    protected final long root() {
        return root;
    }

    /**
     * @throws IllegalStateException if this view is closed
     * @throws io.regionpm.alloc.PoolClosedException if the tree's pool is
     */
    protected final void checkOpen() {
        if (closed) {
            throw new IllegalStateException(what + ": the pinned view is closed");
        }
        checkTreeOpen();
    }

    /** Throws if the tree's pool is closed. */
    protected abstract void checkTreeOpen();

    @Override
    public final Codec<K> keyCodec() {
        return tree.keyCodec();
    }

    @Override
    public final Codec<V> valueCodec() {
        return tree.valueCodec();
    }

    @Override
    public final UpdateStrategy strategy() {
        return tree.strategy();
    }

    @Override
    public final long size() {
        checkOpen();
        return count;
    }

    @Override
    public final V put(K key, V value) {
        throw readOnly();
    }

    @Override
    public final V remove(K key) {
        throw readOnly();
    }

    @Override
    public final void clear() {
        throw readOnly();
    }

    @Override
    public final <T> T atomically(Supplier<T> body) {
        throw readOnly();
    }

    @Override
    public final Pinned<K, V> pin() {
        throw readOnly();
    }

    private UnsupportedOperationException readOnly() {
        checkOpen();
        return new UnsupportedOperationException(what + ": a pinned view is read-only");
    }

    @Override
    public final synchronized void close() {
        if (!closed) {
            closed = true;
            guard.close();
        }
    }
}
