package io.regionpm.recovery.check;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The walkers the pool checker knows, by collection type name. Each collection type
 * registers its {@link BlockWalker} once, under the name its roots carry.
 *
 * <p>Thread-safety: safe; registrations are visible to checks started after them.
 */
public final class WalkerRegistry {
    private final ConcurrentHashMap<String, BlockWalker> walkers = new ConcurrentHashMap<>();

    /** An empty registry. */
    public WalkerRegistry() {
        // no walkers yet
    }

    /**
     * Registers a type's walker.
     *
     * @param type   the collection type name
     * @param walker its walker
     * @return this registry
     * @throws IllegalArgumentException if the type already has a walker
     */
    public WalkerRegistry register(String type, BlockWalker walker) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(walker, "walker");
        if (walkers.putIfAbsent(type, walker) != null) {
            throw new IllegalArgumentException("a walker for type \"" + type + "\" is already registered");
        }
        return this;
    }

    /**
     * @param type a collection type name
     * @return its walker, if one is registered
     */
    public Optional<BlockWalker> find(String type) {
        return Optional.ofNullable(walkers.get(type));
    }

    /** @return the registered type names, a snapshot */
    public Set<String> types() {
        return Set.copyOf(walkers.keySet());
    }
}
