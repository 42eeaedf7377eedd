package io.regionpm.tree.internal.bplus;

import java.util.Iterator;
import java.util.Map;

/** Placeholder. */
final class BulkLoader<K, V> {
    private final BPlusEngine<K, V> engine;

    BulkLoader(BPlusEngine<K, V> engine) {
        this.engine = engine;
    }

    void load(Iterator<? extends Map.Entry<? extends K, ? extends V>> sorted) {
        while (sorted.hasNext()) {
            Map.Entry<? extends K, ? extends V> e = sorted.next();
            engine.put(e.getKey(), e.getValue());
        }
    }
}
