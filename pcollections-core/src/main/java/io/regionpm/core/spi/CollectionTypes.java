package io.regionpm.core.spi;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.regionpm.recovery.check.WalkerRegistry;

/**
 * The collection types this JVM knows, by name: each collection module registers its types
 * (from a static initialiser of its open methods); the pool uses them to finish interrupted
 * drops and to build the checker's walker registry.
 *
 * <p>Thread-safety: safe.
 */
public final class CollectionTypes {
    private static final Map<String, CollectionType> TYPES = new ConcurrentHashMap<>();

    private CollectionTypes() {
    }

    /**
     * @param type a collection type
     * @throws IllegalStateException if another type has the same name
     */
    public static void register(CollectionType type) {
        CollectionType old = TYPES.putIfAbsent(type.name(), type);
        if (old != null && old != type && old.getClass() != type.getClass()) {
            throw new IllegalStateException("collection type " + type.name() + " is already registered by "
                    + old.getClass().getName());
        }
    }

    /** @param name a type name @return the type, if known */
    public static Optional<CollectionType> find(String name) {
        return Optional.ofNullable(TYPES.get(name));
    }

    /** @return a walker registry with every known type */
    public static WalkerRegistry walkers() {
        WalkerRegistry walkers = new WalkerRegistry();
        TYPES.values().forEach(t -> walkers.register(t.name(), t.walker()));
        return walkers;
    }
}
