package io.regionpm.recovery.check;

import java.util.Objects;

/**
 * A root of the pool checker's walk: an 8-byte word of the pool that holds the offset of a
 * collection's root block (0: the collection is empty). The allocated block containing the
 * word, if any (such as the block of a root directory), counts as reachable.
 *
 * @param name a name for messages
 * @param type the collection type, the key of its walker in the {@link WalkerRegistry}
 * @param slot the pool offset of the word; an offset outside the pool or misaligned is
 *             reported by the check, not refused here
 */
public record CheckRoot(String name, String type, long slot) {

    /** @throws NullPointerException if the name or the type is null */
    public CheckRoot {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }
}
