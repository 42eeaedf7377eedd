/**
 * Recovery: the process registry ({@link io.regionpm.recovery.ProcessRegistry}), robust
 * cross-process mutexes ({@link io.regionpm.recovery.RobustMutex}), reader epochs for shadow
 * structures ({@link io.regionpm.recovery.ReaderEpochs}) and, in
 * {@code io.regionpm.recovery.log}, the tornbit and checksum-framed record logs. Still to
 * come (issue 3): lanes with log space, transactions and the pool checker.
 */
package io.regionpm.recovery;
