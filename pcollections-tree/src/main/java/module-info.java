/** PersistentBPlusTree and PersistentAvlTree: ConcurrentNavigableMaps in a pool with snapshot reads. */
module io.regionpm.tree {
    requires transitive io.regionpm.core;
    exports io.regionpm.tree;
}
