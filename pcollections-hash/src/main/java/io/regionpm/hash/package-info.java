/**
 * Hash maps in a pool: {@link io.regionpm.hash.PersistentHashMap} (keys and values through
 * codecs) and {@link io.regionpm.hash.PersistentLongLongHashMap} (primitive longs), both
 * {@link java.util.concurrent.ConcurrentMap}s shared by every JVM that opens the pool, with
 * lock-free gets and the SHADOW (default) and IN_PLACE update strategies. The on-pool layout
 * and the stripe version protocol are in docs/format.md, "Hash maps".
 */
package io.regionpm.hash;
