/**
 * Lanes, tornbit redo/undo logs, transactions, the process registry, robust cross-process locks, crash and dead-process recovery, and the pool checker.
 *
 * <p>Not yet built: this module is a placeholder in the module graph of DESIGN.md section 1
 * and is filled by later issues.
 */
package io.regionpm.recovery;
