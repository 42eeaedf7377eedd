package io.regionpm.alloc;

/**
 * A pool lock was not acquired within the configured timeout; its owner is alive and still
 * holds it. Nothing changed.
 */
public class LockTimeoutException extends PoolException {
    private static final long serialVersionUID = 1L;

    /** @param message the lock, the owner and the timeout */
    public LockTimeoutException(String message) {
        super(message);
    }
}
