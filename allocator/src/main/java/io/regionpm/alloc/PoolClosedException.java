package io.regionpm.alloc;

/** An operation was attempted on a pool or heap after {@code close()}. */
public class PoolClosedException extends PoolException {
    private static final long serialVersionUID = 1L;

    /** @param message what was closed */
    public PoolClosedException(String message) {
        super(message);
    }

    /**
     * @param message what was closed
     * @param cause   the failure the closing caused in a call in progress
     */
    public PoolClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
