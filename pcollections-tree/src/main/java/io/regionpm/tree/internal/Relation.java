package io.regionpm.tree.internal;

/**
 * Which neighbour of a key a search returns, as {@link java.util.NavigableMap} names them.
 * {@link #EQUAL} is an exact match only.
 */
public enum Relation {
    /** The entry with exactly this key. */
    EQUAL,
    /** The least entry whose key is greater than or equal to the key. */
    CEILING,
    /** The greatest entry whose key is less than or equal to the key. */
    FLOOR,
    /** The least entry whose key is strictly greater than the key. */
    HIGHER,
    /** The greatest entry whose key is strictly less than the key. */
    LOWER
}
