package io.regionpm.log.internal;

/**
 * A log record's framing: the one place that defines it. Records start at 16-byte aligned
 * positions and never cross a segment's end.
 *
 * <pre>
 * | offset | size | field                                                                 |
 * |      0 |    8 | header word: bits 0-31 length, bits 32-47 appender lane,              |
 * |        |      | bits 48-55 kind (1 DATA, 2 SKIP, 3 PENDING), bit 56 CONTINUES         |
 * |        |      | (a DATA record after the first of one appendAll), bits 57-63 zero     |
 * |      8 |    8 | checksum (DATA): {@code Checksum64} seeded with the position, over    |
 * |        |      | the header word and the payload as little-endian words, zero-padded   |
 * |     16 |    n | payload (DATA)                                                        |
 * </pre>
 * Length: DATA, the payload's bytes n (the record takes {@link #recordBytes}(n)); SKIP and
 * PENDING, the extent in bytes from the header on (a multiple of 16, at least 16). A PENDING
 * header marks a reservation being written: its extent covers the record, or the whole batch
 * of an {@code appendAll}. A zero header is a reservation nobody has started writing.
 *
 * <p>Thread-safety: stateless.
 */
public final class RecordLayout {
    /** Bytes before the payload. */
    public static final int HEADER_BYTES = 16;
    /** Offset of the checksum word. */
    public static final int CHECKSUM = 8;
    /** Alignment of records. */
    public static final int ALIGN = 16;
    /** A complete record. */
    public static final int DATA = 1;
    /** Bytes to jump over. */
    public static final int SKIP = 2;
    /** A reservation being written. */
    public static final int PENDING = 3;
    /** Header flag of a DATA record that is not the first of its batch. */
    public static final long CONTINUES = 1L << 56;

    private RecordLayout() {
    }

    /** @param payload payload bytes @return bytes a DATA record of that payload takes */
    public static long recordBytes(long payload) {
        return HEADER_BYTES + (payload + ALIGN - 1 & -ALIGN);
    }

    /**
     * @param kind   DATA, SKIP or PENDING
     * @param length see the class comment
     * @param lane   the appender's lane
     * @return the header word
     */
    public static long header(int kind, long length, int lane) {
        return (long) kind << 48 | (long) (lane & 0xFFFF) << 32 | length & 0xFFFF_FFFFL;
    }

    /** @param header a header word @return its kind (0 for a zero header, any value for garbage) */
    public static int kind(long header) {
        return (int) (header >>> 48 & 0xFF);
    }

    /** @param header a header word @return its length field */
    public static long length(long header) {
        return header & 0xFFFF_FFFFL;
    }

    /** @param header a header word @return its lane field */
    public static int lane(long header) {
        return (int) (header >>> 32 & 0xFFFF);
    }

    /** @param header a header word @return whether it is a well-formed header of any kind (flags aside) */
    public static boolean wellFormed(long header) {
        int kind = kind(header);
        return (header >>> 57) == 0 && kind >= DATA && kind <= PENDING
                && (kind == DATA || (header & CONTINUES) == 0);
    }

    /**
     * @param extent bytes from a SKIP or PENDING header on
     * @param room   bytes left in its segment from the header on
     * @return whether the extent is valid there
     */
    public static boolean validExtent(long extent, long room) {
        return extent >= ALIGN && (extent & ALIGN - 1) == 0 && extent <= room;
    }
}
