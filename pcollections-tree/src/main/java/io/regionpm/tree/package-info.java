/**
 * PersistentBPlusTree and PersistentAvlTree: {@link java.util.concurrent.ConcurrentNavigableMap}s
 * in a pool, shared by every JVM that maps it, with lock-free snapshot reads (SHADOW) or
 * logged in-place updates (IN_PLACE).
 */
package io.regionpm.tree;
