package io.regionpm.alloc;

/**
 * A file is not a pool this library can open: zero length, truncated, bad magic, a newer
 * format version, a header checksum mismatch, or a header whose fields disagree with the
 * file. The message names the file and the problem. The file is never modified.
 */
public class PoolFormatException extends PoolException {
    private static final long serialVersionUID = 1L;

    /** @param message the file and the problem */
    public PoolFormatException(String message) {
        super(message);
    }

    /**
     * @param message the file and the problem
     * @param cause   the underlying failure
     */
    public PoolFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
