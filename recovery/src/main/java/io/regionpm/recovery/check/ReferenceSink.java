package io.regionpm.recovery.check;

/**
 * Where a {@link BlockWalker} reports the pointer words it follows. Implemented by the
 * checker, which validates each target and keeps the set of blocks reached.
 *
 * <p>Thread-safety: not thread-safe; called on the checking thread only.
 */
@FunctionalInterface
public interface ReferenceSink {

    /**
     * Reports one pointer word.
     *
     * @param slot   the pool offset of the word that holds the pointer
     * @param target the word's value: a block offset, or 0 for none
     * @return true if {@code target} is an allocated block reached for the first time: only
     *         then may the walker read it and follow its pointers. False for 0, for a block
     *         already reached (shared, or a cycle) and for a dangling pointer (anything that is
     *         not the start of an allocated block), which the checker records with its slot
     */
    boolean visit(long slot, long target);
}
