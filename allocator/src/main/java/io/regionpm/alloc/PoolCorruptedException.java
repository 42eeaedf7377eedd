package io.regionpm.alloc;

/**
 * A value read from the pool (an offset, a length, a state word, a record checksum) is
 * invalid. Thrown instead of an {@code IndexOutOfBoundsException} or a JVM crash; the
 * operation that found it has changed nothing.
 */
public class PoolCorruptedException extends PoolException {
    private static final long serialVersionUID = 1L;

    /** @param message what was read, where, and why it is invalid */
    public PoolCorruptedException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong, and where
     * @param cause   the lower-level failure that revealed it
     */
    public PoolCorruptedException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Builds the exception for an access outside the pool or misaligned.
     *
     * @param offset    the offending offset
     * @param length    the access length
     * @param alignment the required alignment (1 for none)
     * @param poolSize  the pool's size
     * @return the exception, to be thrown by the caller
     */
    public static PoolCorruptedException badAccess(long offset, long length, long alignment, long poolSize) {
        return new PoolCorruptedException("invalid pool access: offset " + offset + ", length " + length
                + ", alignment " + alignment + ", pool size " + poolSize);
    }
}
