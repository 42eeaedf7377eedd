/** The Pool facade, the root directory of named collections, typed codecs, durability modes (SYNC, PMSYNC, NONE) and raw regions. */
module io.regionpm.core {
    requires transitive io.regionpm.recovery;

    exports io.regionpm.core;
}
