/**
 * The pool's bytes: the pool file and its header, the persistent-memory layer with its back
 * ends (DAX, msync'd file, /dev/shm, the PMSYNC working image, and the power-loss simulator),
 * every native call, and the superblock-bitmap allocator.
 */
module io.regionpm.alloc {
    requires jdk.nio.mapmode;
    requires transitive org.eclipse.collections.api;
    requires org.eclipse.collections.impl;

    exports io.regionpm.alloc;
    exports io.regionpm.alloc.sim;
}
