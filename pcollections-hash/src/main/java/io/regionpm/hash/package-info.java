/**
 * PersistentHashMap: a ConcurrentMap in a pool, shared across JVMs, with shadow and in-place updates.
 *
 * <p>Not yet built: this module is a placeholder in the module graph of DESIGN.md section 1
 * and is filled by later issues.
 */
package io.regionpm.hash;
