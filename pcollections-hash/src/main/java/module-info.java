/** PersistentHashMap: a ConcurrentMap in a pool, shared across JVMs, with shadow and in-place updates. */
module io.regionpm.hash {
    requires transitive io.regionpm.core;

    // exports io.regionpm.hash once the issue that builds this module lands (an empty package cannot be exported)
}
