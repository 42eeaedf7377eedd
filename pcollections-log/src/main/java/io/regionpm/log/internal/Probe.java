package io.regionpm.log.internal;

import java.lang.foreign.MemorySegment;

/**
 * What {@link LogEngine#probe} found at a position, with a DATA record's payload copied out
 * (validated: checksum verified on the copy, head re-checked after it).
 *
 * <p>Thread-safety: confined to one reader.
 */
public final class Probe {
    /** A complete record: {@link #payload()} holds it, {@link #next} is the position after it. */
    public static final int RECORD = 0;
    /** Bytes to jump: {@link #next} is where the next record may start. */
    public static final int SKIP = 1;
    /** Below the head: truncated away. */
    public static final int TRUNCATED = 2;
    /** At or past the tail: nothing appended there yet. */
    public static final int END = 3;
    /** Reserved but not complete: an append in flight (or a dead appender's hole). */
    public static final int IN_FLIGHT = 4;
    /** Not a record's position (a checksum or framing mismatch). */
    public static final int INVALID = 5;

    int status;
    long next;
    int length;
    private byte[] buffer = new byte[256];
    private MemorySegment view = MemorySegment.ofArray(buffer);

    /** @return one of the status constants */
    public int status() {
        return status;
    }

    /** @return the position after the record or skip */
    public long next() {
        return next;
    }

    /** @return the copied payload (valid for {@link #length()} bytes, until the next probe) */
    public MemorySegment payload() {
        return view;
    }

    /** @return the payload's length */
    public int length() {
        return length;
    }

    byte[] buffer(int bytes) {
        if (buffer.length < bytes) {
            buffer = new byte[Math.max(bytes, buffer.length * 2)];
            view = MemorySegment.ofArray(buffer);
        }
        return buffer;
    }

    Probe set(int newStatus, long newNext) {
        this.status = newStatus;
        this.next = newNext;
        return this;
    }
}
