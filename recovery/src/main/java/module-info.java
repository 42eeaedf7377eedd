/** Lanes, tornbit redo/undo logs, transactions, the process registry, robust cross-process locks, crash and dead-process recovery, and the pool checker. */
module io.regionpm.recovery {
    requires transitive io.regionpm.alloc;
    requires org.eclipse.collections.impl;

    exports io.regionpm.recovery;
    exports io.regionpm.recovery.log;
    exports io.regionpm.recovery.check;
}
