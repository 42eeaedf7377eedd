package io.regionpm.core;

import java.io.Serial;

/**
 * Bytes given to {@link Codec#decode} are not an encoding of that codec: a wrong length for a
 * fixed-size codec, malformed UTF-8, an enum ordinal out of range, a broken record frame.
 *
 * <p>It is an {@link IllegalArgumentException} because the caller passed bytes the codec never
 * writes. A collection that finds such bytes in a pool reports the pool as corrupted, with this
 * exception as the cause.
 */
public class CodecException extends IllegalArgumentException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, naming the codec */
    public CodecException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong, naming the codec
     * @param cause   the underlying failure
     */
    public CodecException(String message, Throwable cause) {
        super(message, cause);
    }
}
