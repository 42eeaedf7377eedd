/** Lanes, tornbit redo/undo logs, transactions, the process registry, robust cross-process locks, crash and dead-process recovery, and the pool checker. */
module io.regionpm.recovery {
    requires transitive io.regionpm.alloc;

    exports io.regionpm.recovery.log;
}
