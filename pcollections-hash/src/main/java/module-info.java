/** PersistentHashMap and PersistentLongLongHashMap: ConcurrentMaps in a pool, shared across JVMs, with shadow and in-place updates. */
module io.regionpm.hash {
    requires transitive io.regionpm.core;
    requires transitive org.eclipse.collections.api;

    exports io.regionpm.hash;
}
