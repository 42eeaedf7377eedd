package io.regionpm.alloc;

/**
 * The part of {@link PersistentMemory} that differs between back ends: how a range is made
 * durable. Implementations are given by this module ({@link BackendKind}) and by the
 * simulator in {@code io.regionpm.alloc.sim}.
 *
 * <p>Thread-safety: implementations are safe for concurrent use.
 */
public interface PersistenceBackend {

    /** @return which kind of back end this is */
    BackendKind kind();

    /**
     * Starts (or completes) write-back of {@code [offset, offset + length)}. Durable after
     * the next {@link #drain()} at the latest.
     *
     * @param offset pool offset, already bounds-checked
     * @param length bytes, positive
     */
    void flush(long offset, long length);

    /** Waits until every range flushed so far is durable. */
    void drain();

    /**
     * Whether {@link #stored} must be called on every store (only the simulator needs it).
     *
     * @return true to receive store notifications
     */
    default boolean observesStores() {
        return false;
    }

    /**
     * Called after every store when {@link #observesStores()} is true.
     *
     * @param offset first byte stored
     * @param length bytes stored
     */
    default void stored(long offset, long length) {
    }

    /**
     * Called before every flush and drain when {@link #observesStores()} is true; the
     * simulator uses it to stop an operation at a chosen flush point.
     */
    default void beforePersistencePoint() {
    }

    /**
     * An object equal for every mapping of the same underlying storage (the file's key),
     * used to tell this process's own lane owners from those of an abandoned instance.
     *
     * @return the identity of the storage
     */
    Object storageIdentity();
}
