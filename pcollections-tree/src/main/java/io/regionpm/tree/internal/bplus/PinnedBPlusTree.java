package io.regionpm.tree.internal.bplus;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.regionpm.core.Codec;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.recovery.ReaderEpochs;
import io.regionpm.tree.internal.OrderedStore;
import io.regionpm.tree.internal.Relation;

/**
 * A SHADOW B+tree pinned to one published root: a reader epoch held open keeps every node of
 * that state from being reused, so reads take no lock and never change.
 *
 * <p>Thread-safety: reads are safe from any thread until {@link #close()}; after it every
 * call throws {@link IllegalStateException}. Writes throw {@link UnsupportedOperationException}.
 *
 * @param <K> keys
 * @param <V> values
 */
final class PinnedBPlusTree<K, V> implements OrderedStore.Pinned<K, V> {
    private final BPlusEngine<K, V> engine;
    private final ReaderEpochs.ReadGuard guard;
    private final long root;
    private final long count;
    private volatile boolean closed;

    PinnedBPlusTree(BPlusEngine<K, V> engine, ReaderEpochs.ReadGuard guard, long root, long count) {
        this.engine = engine;
        this.guard = guard;
        this.root = root;
        this.count = count;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the pinned B+tree state is closed");
        }
        engine.runtime();
    }

    @Override
    public Codec<K> keyCodec() {
        return engine.keyCodec();
    }

    @Override
    public Codec<V> valueCodec() {
        return engine.valueCodec();
    }

    @Override
    public UpdateStrategy strategy() {
        return engine.strategy();
    }

    @Override
    public V get(K key) {
        checkOpen();
        KeyProbe probe = engine.context().probe.set(engine.keyCodec(), key);
        return probe.length() > BPlusEngine.maxKey(engine.nodeBytes()) ? null : engine.getFrom(root, probe);
    }

    @Override
    public Map.Entry<K, V> find(K key, Relation relation) {
        checkOpen();
        KeyProbe probe = key == null ? null : engine.context().probe.set(engine.keyCodec(), key);
        return engine.findFrom(root, probe, relation);
    }

    @Override
    public int scan(K from, boolean fromInclusive, K to, boolean toInclusive, boolean descending, int max,
                    List<Map.Entry<K, V>> out) {
        checkOpen();
        WriteContext c = engine.context();
        KeyProbe f = from == null ? null : c.probe.set(engine.keyCodec(), from);
        KeyProbe t = to == null ? null : c.bound.set(engine.keyCodec(), to);
        return engine.scanFrom(root, f, fromInclusive, t, toInclusive, descending, max, out);
    }

    @Override
    public long size() {
        checkOpen();
        return count;
    }

    @Override
    public V put(K key, V value) {
        throw new UnsupportedOperationException("a pinned B+tree state is read-only");
    }

    @Override
    public V remove(K key) {
        throw new UnsupportedOperationException("a pinned B+tree state is read-only");
    }

    @Override
    public void clear() {
        throw new UnsupportedOperationException("a pinned B+tree state is read-only");
    }

    @Override
    public <T> T atomically(Supplier<T> body) {
        throw new UnsupportedOperationException("a pinned B+tree state is read-only");
    }

    @Override
    public Pinned<K, V> pin() {
        throw new UnsupportedOperationException("a pinned B+tree state is already pinned");
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            guard.close();
        }
    }
}
