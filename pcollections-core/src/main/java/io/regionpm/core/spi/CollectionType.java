package io.regionpm.core.spi;

import io.regionpm.recovery.Transaction;
import io.regionpm.recovery.check.BlockWalker;

/**
 * What the pool needs to know about a collection type (hash map, B+tree, log, raw region...):
 * its name in the root directory, its checker walker, and how to free a dropped instance a
 * little at a time. Registered with {@link CollectionTypes#register}.
 *
 * <p>Thread-safety: implementations are stateless.
 */
public interface CollectionType {

    /** @return the type's name, stored in the root directory (stable across releases) */
    String name();

    /** @return the walker the pool checker uses from the collection's root block */
    BlockWalker walker();

    /**
     * Frees part of a dropped collection inside {@code tx}: at most about {@code budget}
     * blocks, so that the transaction fits in a lane's log. Called again (in new
     * transactions) until it returns true; after a crash it is called again from the state
     * the last committed call left, so it must work from whatever the pool holds.
     *
     * @param tx       the transaction (use {@link Transaction#free} and transactional writes)
     * @param rootSlot the directory word holding the collection's root block (0: empty); the
     *                 implementation may rewrite it (transactionally) as it frees
     * @param budget   roughly how many blocks to free in this call
     * @return true once nothing is left (the root slot may be left as is)
     */
    boolean destroySome(Transaction tx, long rootSlot, int budget);
}
