/**
 * Implementation of the allocator and the persistence back ends: on-pool record
 * flyweights (state words, lane records with intents), the per-lane volatile index, the
 * superblock claimer, intent replay, and every FFM downcall ({@link
 * io.regionpm.alloc.internal.NativeCalls}). Not exported.
 */
package io.regionpm.alloc.internal;
