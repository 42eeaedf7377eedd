package io.regionpm.alloc;

/**
 * No free space fits a request. Thrown before anything persistent changes; the pool stays
 * consistent and usable (freeing space makes the same request succeed).
 */
public class PoolFullException extends PoolException {
    private static final long serialVersionUID = 1L;

    /** @param message the request and the pool's state */
    public PoolFullException(String message) {
        super(message);
    }
}
