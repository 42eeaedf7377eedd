package io.regionpm.tree;

import java.util.NavigableMap;

/**
 * A read-only, unchanging view of a sorted persistent map as it was when
 * {@code snapshot()} was called: every read (navigation, views, iteration) sees that one
 * state, however the map changes meanwhile in this or other JVMs; mutators throw
 * {@link UnsupportedOperationException}. Reading takes no lock and never blocks writers.
 *
 * <p>Thread-safety: safe for many threads until closed. Process-safety: the pinned state is
 * protected by a reader epoch in the pool: blocks it reaches are not reused until it is
 * closed (or its process dies). Close it promptly: while it is open, the blocks the writers
 * retire cannot be reused. After {@link #close()} every method throws
 * {@link IllegalStateException}.
 *
 * @param <K> keys
 * @param <V> values
 */
public interface SortedSnapshot<K, V> extends NavigableMap<K, V>, AutoCloseable {
    /** Releases the snapshot. Idempotent. */
    @Override
    void close();
}
