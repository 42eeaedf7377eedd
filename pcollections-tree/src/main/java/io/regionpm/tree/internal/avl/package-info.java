/**
 * The AVL tree engine behind {@code PersistentAvlTree}: one block per entry (key and value
 * inline, large values out of line), balanced by rotations after every change, and a header
 * block with the tree's root, count, writer lock and version. {@code SHADOW} copies every node
 * on the path of a change and publishes a new root with one 8-byte store; {@code IN_PLACE}
 * changes nodes in place under the transaction's undo log, with a version word for the
 * lock-free readers. Layouts: {@link io.regionpm.tree.internal.avl.AvlHeader},
 * {@link io.regionpm.tree.internal.avl.AvlNode}; docs/format.md, "AVL trees". Not a user API.
 */
package io.regionpm.tree.internal.avl;
