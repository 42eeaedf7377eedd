package io.regionpm.tree.internal.avl;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.regionpm.recovery.ReaderEpochs;
import io.regionpm.tree.internal.PinnedState;
import io.regionpm.tree.internal.Relation;

/**
 * A SHADOW AVL tree pinned to one published root: a reader epoch held open keeps every node
 * reachable from that root from being freed, and published nodes never change, so every read
 * sees the same state however the tree changes meanwhile. Writes throw
 * {@link UnsupportedOperationException}.
 *
 * <p>Thread-safety and process-safety: as {@link PinnedState}.
 *
 * @param <K> keys
 * @param <V> values
 */
final class AvlPinned<K, V> extends PinnedState<K, V> {
    private final AvlEngine<K, V> tree;

    AvlPinned(AvlEngine<K, V> tree, ReaderEpochs.ReadGuard guard, long root, long count) {
        super(tree, tree.name(), guard, root, count);
        this.tree = tree;
    }

    @Override
    protected void checkTreeOpen() {
        tree.checkOpen();
    }

    @Override
    public V get(K key) {
        checkOpen();
        long n = tree.reader().search(root(), KeyProbe.first(keyCodec(), key));
        return n == 0 ? null : tree.decodeValue(tree.reader().valueBytes(n));
    }

    @Override
    public Map.Entry<K, V> find(K key, Relation relation) {
        Objects.requireNonNull(relation, "relation");
        checkOpen();
        long n = tree.reader().find(root(), key == null ? null : KeyProbe.first(keyCodec(), key), relation);
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
        tree.reader().scan(root(), from == null ? null : KeyProbe.first(keyCodec(), from), fromInclusive,
                to == null ? null : KeyProbe.second(keyCodec(), to), toInclusive, descending, max, raw);
        for (int i = 0; i < raw.size(); i += 2) {
            out.add(new AbstractMap.SimpleImmutableEntry<>(tree.decodeKey(raw.get(i)), tree.decodeValue(raw.get(i + 1))));
        }
        return raw.size() / 2;
    }
}
