/**
 * The tree engines behind the public sorted maps: {@link io.regionpm.tree.internal.OrderedStore}
 * and its B+tree and AVL implementations, their on-pool layouts, checker walkers and drop.
 * Not a user API.
 */
package io.regionpm.tree.internal;
