/** PersistentBPlusTree and PersistentAvlTree: ConcurrentNavigableMaps in a pool with snapshot reads. */
module io.regionpm.tree {
    requires transitive io.regionpm.core;
    requires org.eclipse.collections.impl;
    exports io.regionpm.tree;
}
