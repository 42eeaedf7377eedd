/** The Pool facade, the root directory of named collections, typed codecs, durability modes (SYNC, PMSYNC, NONE) and raw regions. */
module io.regionpm.core {
    requires transitive io.regionpm.recovery;
    requires org.eclipse.collections.impl;

    exports io.regionpm.core;
    exports io.regionpm.core.spi;
}
