/**
 * The B+tree engine behind {@code PersistentBPlusTree}: slotted nodes of a fixed size whose
 * keys are compared as bytes in place ({@link io.regionpm.tree.internal.bplus.Node}), a header
 * block per tree ({@link io.regionpm.tree.internal.bplus.TreeHeader}), copy-on-write path
 * copying (SHADOW) or undo-logged in-place updates (IN_PLACE), merges and redistribution on
 * delete, bulk loading, the checker's walker and the drop. Layouts: docs/format.md, "B+trees".
 * Not a user API.
 */
package io.regionpm.tree.internal.bplus;
