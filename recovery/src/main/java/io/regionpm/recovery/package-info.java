/**
 * Recovery: the process registry ({@link io.regionpm.recovery.ProcessRegistry}), the robust
 * cross-process locks that name their holders by registration
 * ({@link io.regionpm.recovery.RobustMutex}, {@link io.regionpm.recovery.RobustRwLock}) and, in
 * {@code io.regionpm.recovery.log}, the tornbit and checksum-framed record logs. Still to
 * come (issue 3): lanes with log space, transactions, reader epochs and the pool checker.
 */
package io.regionpm.recovery;
