package io.regionpm.core;

/**
 * How a collection makes an update crash-atomic (DESIGN.md section 4). Each collection type
 * documents which it supports and its default.
 */
public enum UpdateStrategy {
    /** Write new data elsewhere, persist it, publish it with one 8-byte store; retired blocks wait for readers. */
    SHADOW,
    /** Write after the tail and publish by advancing it; torn tails are detected and discarded. */
    APPEND,
    /** Undo- or redo-logged transactions in the lanes. */
    IN_PLACE
}
