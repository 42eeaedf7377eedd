package io.regionpm.recovery.check;

import io.regionpm.alloc.PersistentMemory;

/**
 * A collection type's walker: follows every pointer of one collection, from its root block,
 * for the pool checker.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #walk} is handed a block that the checker validated (allocated, reached for the
 *       first time). The walker reads that block and reports every pointer word it holds
 *       with {@link ReferenceSink#visit}, including null (0) pointers if convenient.</li>
 *   <li>It reads a target and follows that target's pointers only if {@code visit} returned
 *       true. So it never reads outside an allocated block through a pointer, and it
 *       terminates on cycles and shared blocks.</li>
 *   <li>It walks iteratively (a loop or an explicit stack), or recurses only as deep as the
 *       structure's bounded height. Chains such as lists must not be followed recursively.</li>
 *   <li>It validates every other value it reads (lengths, counts, tags) and throws
 *       {@link io.regionpm.alloc.PoolCorruptedException} when one is invalid. The checker
 *       records that as a problem of this root and goes on with the next one. Reads through
 *       {@link PersistentMemory} are bounds-checked and throw that exception too.</li>
 *   <li>It never writes to the pool.</li>
 *   <li>A pointer it does not report is not a reference: the block behind it looks leaked,
 *       and a repair would free it.</li>
 * </ul>
 *
 * <p>Thread-safety: a walker is called on the checking thread only; it should keep no state
 * between calls, so that one instance serves every root of its type.
 */
@FunctionalInterface
public interface BlockWalker {

    /**
     * Walks one collection.
     *
     * @param pm    the pool's memory
     * @param block the collection's root block, validated and reached for the first time
     * @param sink  receives every pointer word followed
     * @throws io.regionpm.alloc.PoolCorruptedException if the collection is malformed
     */
    void walk(PersistentMemory pm, long block, ReferenceSink sink);

    /**
     * The walker of a singly linked chain of blocks whose next pointer is the block's first
     * word (0 ends it); iterative, so any length is fine.
     *
     * @return the walker
     */
    static BlockWalker chain() {
        return (pm, block, sink) -> {
            for (long b = block; ; ) {
                long next = pm.getLong(b);
                if (next == 0 || !sink.visit(b, next)) {
                    return;
                }
                b = next;
            }
        };
    }
}
