/**
 * Recovery: this process's attachment to a pool ({@link io.regionpm.recovery.PoolRuntime}),
 * transactions on per-lane logs ({@link io.regionpm.recovery.Transaction}), the process
 * registry ({@link io.regionpm.recovery.ProcessRegistry}), the robust cross-process locks that
 * name their holders by registration and lane ({@link io.regionpm.recovery.RobustMutex},
 * {@link io.regionpm.recovery.RobustRwLock}), reader epochs for shadow structures
 * ({@link io.regionpm.recovery.ReaderEpochs}); in {@code io.regionpm.recovery.log}, the tornbit
 * and checksum-framed record logs; in {@code io.regionpm.recovery.check}, the pool checker.
 */
package io.regionpm.recovery;
