package io.regionpm.tree;

import io.regionpm.core.Codec;

/**
 * The navigable layer over a {@link HeapOrderedStore}, with no pool: what the layer's own
 * tests exercise.
 *
 * @param <K> keys
 * @param <V> values
 */
final class HeapSortedMap<K, V> extends AbstractSortedMap<K, V> {
    HeapSortedMap(Codec<K> keyCodec, Codec<V> valueCodec) {
        this(new HeapOrderedStore<>(keyCodec, valueCodec));
    }

    HeapSortedMap(HeapOrderedStore<K, V> store) {
        super(null, "heap", store);
    }
}
