/** PersistentLog: a durable append-only log with tailing readers in other JVMs and head truncation. */
module io.regionpm.log {
    requires transitive io.regionpm.core;

    exports io.regionpm.log;
}
