package io.regionpm.hash.internal;

/**
 * Where a key is, or would go, in a locked stripe: the word that points to its entry (a
 * bucket or the previous entry's next field) and the entry (0: absent; then {@code slot} is
 * the bucket's head word, where an insertion links).
 *
 * @param stripe the stripe's offset
 * @param slot   the word pointing to the entry, or the bucket head if absent
 * @param entry  the entry, or 0
 */
public record Position(long stripe, long slot, long entry) {
    /** @return whether the key is present */
    public boolean found() {
        return entry != 0;
    }
}
