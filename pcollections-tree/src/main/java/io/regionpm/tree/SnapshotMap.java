package io.regionpm.tree;

import io.regionpm.tree.internal.OrderedStore;

/**
 * A {@link SortedSnapshot}: the full-range {@link RangeView} of a pinned store, reached
 * through a {@link PinnedAccess} (reads only; everything fails once closed), so that its
 * sub-maps, descending maps and key, value and entry views are the same code as the live
 * map's, read-only.
 *
 * <p>Thread-safety: safe. Process-safety and crash behaviour: see {@link SortedSnapshot}.
 *
 * @param <K> keys
 * @param <V> values
 */
final class SnapshotMap<K, V> extends RangeView<K, V> implements SortedSnapshot<K, V> {
    private final PinnedAccess<K, V> pinned;

    SnapshotMap(OrderedStore.Pinned<K, V> store) {
        this(new PinnedAccess<>(store), store);
    }

    private SnapshotMap(PinnedAccess<K, V> access, OrderedStore.Pinned<K, V> store) {
        super(access, KeyRange.all(store.keyCodec()), false);
        this.pinned = access;
    }

    @Override
    public void close() {
        pinned.close();
    }
}
