package io.regionpm.alloc;

/**
 * Root of every exception the pool layer throws on purpose. Unchecked.
 *
 * <p>Subtypes say what went wrong: {@link PoolFormatException} (not a pool, wrong version,
 * bad header), {@link PoolCorruptedException} (a pointer or length read from the pool is
 * invalid), {@link PoolFullException} (nothing fits) and {@link PoolClosedException}.
 * An operation that throws one of these has changed nothing persistent.
 */
public class PoolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, naming the pool or offset concerned */
    public PoolException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause   the underlying failure, kept as the cause
     */
    public PoolException(String message, Throwable cause) {
        super(message, cause);
    }
}
