package io.regionpm.core.internal;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.core.UpdateStrategy;

/**
 * One root-directory entry: a block naming a collection, its type, codec identities and
 * strategy, and holding the word that points at the collection's root block.
 *
 * <pre>
 * | offset | size | field                                                        |
 * |      0 |    8 | next entry block (0: the end of the directory)               |
 * |      8 |    8 | root word: the collection's root block (0: none)            |
 * |     16 |    8 | state: 1 LIVE, 2 DROPPING (being freed, invisible to names) |
 * |     24 |    4 | strategy: ordinal of {@link UpdateStrategy}                  |
 * |     28 |    2 | name bytes (UTF-8)                                            |
 * |     30 |    2 | type bytes                                                    |
 * |     32 |    2 | key codec identity bytes                                      |
 * |     34 |    2 | value codec identity bytes                                    |
 * |     36 |    4 | CRC32C of bytes 24..35 and the strings                        |
 * |     40 |    n | name, type, key codec identity, value codec identity         |
 * </pre>
 *
 * Everything from offset 24 is written once, before the entry is linked, and checked on
 * every read. Thread-safety: a flyweight; read under the directory lock.
 *
 * @param at          the entry block's offset
 * @param name        the collection's name
 * @param type        its type
 * @param keyCodec    its key codec identity ("" for none)
 * @param valueCodec  its value codec identity ("" for none)
 * @param strategy    its update strategy
 */
public record DirectoryEntry(long at, String name, String type, String keyCodec, String valueCodec,
                             UpdateStrategy strategy) {
    static final long NEXT = 0, ROOT = 8, STATE = 16, STRATEGY = 24, LENGTHS = 28, CRC = 36, STRINGS = 40;
    /** Entry states. */
    public static final long LIVE = 1, DROPPING = 2;
    /** Longest name, in UTF-8 bytes. */
    public static final int MAX_NAME_BYTES = 255;
    private static final int MAX_STRING_BYTES = 0xFFFF;

    /** @return the offset of the root word */
    public long rootSlot() {
        return at + ROOT;
    }

    static long bytesFor(String name, String type, String keyCodec, String valueCodec) {
        return STRINGS + utf8(name).length + utf8(type).length + utf8(keyCodec).length + utf8(valueCodec).length;
    }

    /** Writes a new entry into a fresh block (in place; the caller's transaction flushes it). */
    static DirectoryEntry write(PersistentMemory pm, long at, long next, String name, String type, String keyCodec,
                                String valueCodec, UpdateStrategy strategy) {
        byte[][] strings = {utf8(name), utf8(type), utf8(keyCodec), utf8(valueCodec)};
        pm.setLong(at + NEXT, next);
        pm.setLong(at + ROOT, 0);
        pm.setLong(at + STATE, LIVE);
        pm.setInt(at + STRATEGY, strategy.ordinal());
        long lengths = 0;
        for (int i = 0; i < 4; i++) {
            if (strings[i].length > MAX_STRING_BYTES) {
                throw new IllegalArgumentException("directory string too long: " + strings[i].length + " bytes");
            }
            lengths |= (long) strings[i].length << (16 * i);
        }
        pm.setInt(at + LENGTHS, (int) lengths);
        pm.setInt(at + LENGTHS + 4, (int) (lengths >>> 32));
        long cursor = at + STRINGS;
        for (byte[] b : strings) {
            pm.write(b, 0, cursor, b.length);
            cursor += b.length;
        }
        pm.setInt(at + CRC, crc(pm, at, cursor));
        return new DirectoryEntry(at, name, type, keyCodec, valueCodec, strategy);
    }

    /** Reads and checks an entry. */
    static DirectoryEntry read(PersistentMemory pm, long at, long blockSize) {
        int[] len = new int[4];
        long lengths = Integer.toUnsignedLong(pm.getInt(at + LENGTHS)) | (long) pm.getInt(at + LENGTHS + 4) << 32;
        long total = STRINGS;
        for (int i = 0; i < 4; i++) {
            len[i] = (int) (lengths >>> (16 * i) & 0xFFFF);
            total += len[i];
        }
        int strategy = pm.getInt(at + STRATEGY);
        if (total > blockSize || strategy < 0 || strategy >= UpdateStrategy.values().length) {
            throw new PoolCorruptedException("directory entry at " + at + " is malformed");
        }
        if (pm.getInt(at + CRC) != crc(pm, at, at + total)) {
            throw new PoolCorruptedException("directory entry at " + at + ": checksum mismatch");
        }
        String[] s = new String[4];
        long cursor = at + STRINGS;
        for (int i = 0; i < 4; i++) {
            byte[] b = new byte[len[i]];
            pm.read(cursor, b, 0, len[i]);
            s[i] = new String(b, StandardCharsets.UTF_8);
            cursor += len[i];
        }
        return new DirectoryEntry(at, s[0], s[1], s[2], s[3], UpdateStrategy.values()[strategy]);
    }

    private static int crc(PersistentMemory pm, long at, long end) {
        CRC32C crc = new CRC32C();
        crc.update(pm.readOnlySlice(at + STRATEGY, CRC - STRATEGY).asByteBuffer());
        crc.update(pm.readOnlySlice(at + STRINGS, end - at - STRINGS).asByteBuffer());
        return (int) crc.getValue();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
