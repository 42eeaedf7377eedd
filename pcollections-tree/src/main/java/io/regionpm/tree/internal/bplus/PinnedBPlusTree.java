package io.regionpm.tree.internal.bplus;

import java.util.List;
import java.util.Map;

import io.regionpm.recovery.ReaderEpochs;
import io.regionpm.tree.internal.PinnedState;
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
final class PinnedBPlusTree<K, V> extends PinnedState<K, V> {
    private final BPlusEngine<K, V> engine;

    PinnedBPlusTree(BPlusEngine<K, V> engine, ReaderEpochs.ReadGuard guard, long root, long count) {
        super(engine, "a pinned B+tree state", guard, root, count);
        this.engine = engine;
    }

    @Override
    protected void checkTreeOpen() {
        engine.runtime();
    }

    @Override
    public V get(K key) {
        checkOpen();
        KeyProbe probe = engine.context().probe.set(engine.keyCodec(), key);
        return probe.length() > BPlusEngine.maxKey(engine.nodeBytes()) ? null : engine.getFrom(root(), probe);
    }

    @Override
    public Map.Entry<K, V> find(K key, Relation relation) {
        checkOpen();
        KeyProbe probe = key == null ? null : engine.context().probe.set(engine.keyCodec(), key);
        return engine.findFrom(root(), probe, relation);
    }

    @Override
    public int scan(K from, boolean fromInclusive, K to, boolean toInclusive, boolean descending, int max,
                    List<Map.Entry<K, V>> out) {
        checkOpen();
        WriteContext c = engine.context();
        KeyProbe f = from == null ? null : c.probe.set(engine.keyCodec(), from);
        KeyProbe t = to == null ? null : c.bound.set(engine.keyCodec(), to);
        return engine.scanFrom(root(), f, fromInclusive, t, toInclusive, descending, max, out);
    }
}
