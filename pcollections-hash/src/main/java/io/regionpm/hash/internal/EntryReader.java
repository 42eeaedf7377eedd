package io.regionpm.hash.internal;

import io.regionpm.alloc.PersistentMemory;

/**
 * Copies what a lookup needs out of an entry it found (or says what absence means), for the
 * optimistic read path: it may be handed an entry that a writer is freeing at that moment, so
 * it must only copy bytes through {@link PersistentMemory} (bounds-checked reads) and never
 * trust them; the engine uses the result only if the stripe's version did not change.
 *
 * @param <R> what the lookup returns
 */
public interface EntryReader<R> {

    /**
     * @param engine the engine (for its copying helpers)
     * @param entry  the entry whose key matched
     * @return the copy
     */
    R found(HashEngine engine, long entry);

    /** @return the result when the key is absent */
    R absent();
}
