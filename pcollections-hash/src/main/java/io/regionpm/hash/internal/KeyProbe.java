package io.regionpm.hash.internal;

import java.lang.foreign.MemorySegment;

import io.regionpm.alloc.PersistentMemory;

/**
 * A key being looked up, inserted or removed: its hash, and how to compare it with an entry's
 * key and write it into a new entry. Two kinds: an encoding ({@link #ofBytes}) and a long
 * ({@link #ofLong}, for {@code PersistentLongLongHashMap}).
 *
 * <p>Thread-safety: immutable; one per operation.
 */
public abstract sealed class KeyProbe {
    final long hash64;
    final int hash32;

    private KeyProbe(long hash64) {
        this.hash64 = hash64;
        this.hash32 = (int) hash64;
    }

    /** @param encoding a key's encoding (kept, not copied) @return its probe */
    public static KeyProbe ofBytes(byte[] encoding) {
        return new Bytes(encoding);
    }

    /** @param key a long key @return its probe */
    public static KeyProbe ofLong(long key) {
        return new Long(key);
    }

    /** @return the key's length in bytes */
    abstract int length();

    /**
     * Compares with an entry's key (its hash and length already matched). The entry may be
     * unvalidated: every read is bounds-checked.
     */
    abstract boolean matches(PersistentMemory pm, long entry);

    /** Writes the key at {@link EntryLayout#KEY} of a new entry. */
    abstract void write(PersistentMemory pm, long entry);

    /** An encoded key. */
    static final class Bytes extends KeyProbe {
        private final byte[] encoding;
        private final MemorySegment view;

        Bytes(byte[] encoding) {
            super(KeyHash.of(encoding, encoding.length));
            this.encoding = encoding;
            this.view = MemorySegment.ofArray(encoding);
        }

        @Override
        int length() {
            return encoding.length;
        }

        @Override
        boolean matches(PersistentMemory pm, long entry) {
            return pm.bytesEqual(entry + EntryLayout.KEY, view, 0, encoding.length);
        }

        @Override
        void write(PersistentMemory pm, long entry) {
            pm.write(encoding, 0, entry + EntryLayout.KEY, encoding.length);
        }
    }

    /** A long key, stored as a native word. */
    static final class Long extends KeyProbe {
        private final long key;

        Long(long key) {
            super(KeyHash.ofLong(key));
            this.key = key;
        }

        @Override
        int length() {
            return 8;
        }

        @Override
        boolean matches(PersistentMemory pm, long entry) {
            return pm.getLong(entry + EntryLayout.KEY) == key;
        }

        @Override
        void write(PersistentMemory pm, long entry) {
            pm.setLong(entry + EntryLayout.KEY, key);
        }
    }
}
