/**
 * The pool checker (issue 3, "Pool checker"; DESIGN.md section 7): verifies a pool's header,
 * allocator metadata and any plugged-in structure (such as logs), walks every block
 * reachable from the pool's roots through walkers that the collection types register, and
 * reports leaked blocks (allocated, unreachable) and dangling references (pointers to
 * anything that is not an allocated block). It can free the leaks.
 *
 * <ul>
 *   <li>{@link io.regionpm.recovery.check.PoolChecker}: runs a check, returns a
 *       {@link io.regionpm.recovery.check.CheckReport}, and repairs leaks.</li>
 *   <li>{@link io.regionpm.recovery.check.BlockWalker} and
 *       {@link io.regionpm.recovery.check.ReferenceSink}: the walker contract;
 *       {@link io.regionpm.recovery.check.WalkerRegistry} maps a collection type to its
 *       walker; {@link io.regionpm.recovery.check.CheckRoot} names a root word.</li>
 *   <li>{@link io.regionpm.recovery.check.Problems} collects problem messages;
 *       {@link io.regionpm.recovery.check.ProgressListener} follows long checks.</li>
 * </ul>
 *
 * <p>Priorities: on any pool, however damaged, a check terminates (cycles, shared blocks and
 * pointers outside the pool included), uses Java heap in proportion to the number of
 * reachable blocks, never follows a pointer it has not validated, and throws nothing but
 * {@link io.regionpm.alloc.PoolException} subtypes (every problem it can describe is
 * reported, not thrown). A repair frees only what the report calls leaked, and refuses,
 * changing nothing, unless the report's only findings are leaks.
 *
 * <p>Not guaranteed: meaningful results while other threads or processes use the pool (run
 * the checker on a quiescent pool, after {@link io.regionpm.alloc.Heap#recoverDeadLanes()});
 * protection against a walker that does not keep its contract (one that recurses without
 * bound or reads a block it was not handed); detection of damage inside a block that its
 * walker does not validate.
 */
package io.regionpm.recovery.check;
