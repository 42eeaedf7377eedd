package io.regionpm.tree.internal.avl;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import io.regionpm.core.Codec;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.recovery.ReaderEpochs;
import io.regionpm.tree.internal.OrderedStore;
import io.regionpm.tree.internal.Relation;

/**
 * A SHADOW AVL tree pinned to one published root: a reader epoch held open keeps every node
 * reachable from that root from being freed, and published nodes never change, so every read
 * sees the same state however the tree changes meanwhile. Writes throw
 * {@link UnsupportedOperationException}.
 *
 * <p>Thread-safety: reads are safe for many threads until {@link #close()}; afterwards every
 * call throws {@link IllegalStateException}. Process-safety: the epoch is in the pool, so
 * writers in every JVM keep the pinned nodes; close it promptly, since the blocks retired while
 * it is open wait in their lanes' limbo (a few dozen per lane) and writers stall once it is full.
 *
 * @param <K> keys
 * @param <V> values
 */
final class AvlPinned<K, V> implements OrderedStore.Pinned<K, V> {
    private final AvlEngine<K, V> tree;
    private final ReaderEpochs.ReadGuard guard;
    private final long root;
    private final long count;
    private volatile boolean closed;

    AvlPinned(AvlEngine<K, V> tree, ReaderEpochs.ReadGuard guard, long root, long count) {
        this.tree = tree;
        this.guard = guard;
        this.root = root;
        this.count = count;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(tree.name() + ": the pinned view is closed");
        }
        tree.checkOpen();
    }

    @Override
    public Codec<K> keyCodec() {
        return tree.keyCodec();
    }

    @Override
    public Codec<V> valueCodec() {
        return tree.valueCodec();
    }

    @Override
    public UpdateStrategy strategy() {
        return tree.strategy();
    }

    @Override
    public V get(K key) {
        checkOpen();
        long n = tree.reader().search(root, KeyProbe.first(keyCodec(), key));
        return n == 0 ? null : tree.decodeValue(tree.reader().valueBytes(n));
    }

    @Override
    public Map.Entry<K, V> find(K key, Relation relation) {
        Objects.requireNonNull(relation, "relation");
        checkOpen();
        long n = tree.reader().find(root, key == null ? null : KeyProbe.first(keyCodec(), key), relation);
        if (n == 0) {
            return null;
        }
        return new AbstractMap.SimpleImmutableEntry<>(tree.decodeKey(tree.reader().keyBytes(n)),
                tree.decodeValue(tree.reader().valueBytes(n)));
    }

    @Override
    public int scan(K from, boolean fromInclusive, K to, boolean toInclusive, boolean descending, int max,
                    List<Map.Entry<K, V>> out) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1: " + max);
        }
        checkOpen();
        List<byte[]> raw = new ArrayList<>();
        tree.reader().scan(root, from == null ? null : KeyProbe.first(keyCodec(), from), fromInclusive,
                to == null ? null : KeyProbe.second(keyCodec(), to), toInclusive, descending, max, raw);
        for (int i = 0; i < raw.size(); i += 2) {
            out.add(new AbstractMap.SimpleImmutableEntry<>(tree.decodeKey(raw.get(i)), tree.decodeValue(raw.get(i + 1))));
        }
        return raw.size() / 2;
    }

    @Override
    public long size() {
        checkOpen();
        return count;
    }

    @Override
    public V put(K key, V value) {
        throw readOnly();
    }

    @Override
    public V remove(K key) {
        throw readOnly();
    }

    @Override
    public void clear() {
        throw readOnly();
    }

    @Override
    public <T> T atomically(Supplier<T> body) {
        throw readOnly();
    }

    @Override
    public Pinned<K, V> pin() {
        throw readOnly();
    }

    private UnsupportedOperationException readOnly() {
        checkOpen();
        return new UnsupportedOperationException(tree.name() + ": a pinned view is read-only");
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            guard.close();
        }
    }
}
