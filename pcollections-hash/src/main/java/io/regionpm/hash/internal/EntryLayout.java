package io.regionpm.hash.internal;

/**
 * The layout of a hash map entry: one block per key, linked into its bucket's chain. The one
 * place that defines it.
 *
 * <pre>
 * | offset | size | field                                                          |
 * |      0 |    8 | next entry of the chain (0: last)                              |
 * |      8 |    4 | the key's 32-bit hash                                          |
 * |     12 |    4 | key length k                                                   |
 * |     16 |    4 | value length v, or -1: the value is out of line                |
 * |     20 |    4 | reserved (0)                                                   |
 * |     24 |    k | the key's encoding                                             |
 * |   24+k |    v | the value's encoding; out of line: 8 bytes (unaligned) holding |
 * |        |      | the offset of an {@code OutOfLineValues} block                 |
 * </pre>
 * Entries of {@code PersistentLongLongHashMap} have k = v = 8 and hold the key and value as
 * native-order longs at 24 and 32 (40 bytes, aligned words).
 *
 * <p>Thread-safety: constants only.
 */
public final class EntryLayout {
    /** Next pointer. */
    public static final int NEXT = 0;
    /** 32-bit hash. */
    public static final int HASH = 8;
    /** Key length. */
    public static final int KEY_LENGTH = 12;
    /** Value length or {@link #OUT_OF_LINE}. */
    public static final int VALUE_LENGTH = 16;
    /** First key byte. */
    public static final int KEY = 24;
    /** Value length marking an out-of-line value. */
    public static final int OUT_OF_LINE = -1;
    /** Entries larger than this keep their value out of line. */
    public static final int MAX_INLINE_ENTRY = 2048;
    /** Size of an entry of {@code PersistentLongLongHashMap}. */
    public static final int LONG_LONG_BYTES = 40;

    private EntryLayout() {
    }

    /** @param entry an entry @param keyLength k @return where its value (or value pointer) starts */
    public static long valueAt(long entry, int keyLength) {
        return entry + KEY + keyLength;
    }
}
