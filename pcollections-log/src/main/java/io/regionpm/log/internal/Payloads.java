package io.regionpm.log.internal;

import java.lang.foreign.MemorySegment;

/**
 * The records of one append (one, or a batch), as their encoder sees them.
 *
 * <p>Thread-safety: used by the appending thread only.
 */
public interface Payloads {

    /** @return how many records */
    int count();

    /** @param i a record index @return its encoded length in bytes */
    int length(int i);

    /**
     * Writes record {@code i}'s encoding.
     *
     * @param i      a record index
     * @param dst    the pool
     * @param offset where its first byte goes
     */
    void write(int i, MemorySegment dst, long offset);
}
