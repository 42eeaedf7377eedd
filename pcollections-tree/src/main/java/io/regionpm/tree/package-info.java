/**
 * PersistentBPlusTree and PersistentAvlTree: ConcurrentNavigableMaps in a pool with snapshot reads.
 *
 * <p>Not yet built: this module is a placeholder in the module graph of DESIGN.md section 1
 * and is filled by later issues.
 */
package io.regionpm.tree;
