/**
 * Recovery: the process registry ({@link io.regionpm.recovery.ProcessRegistry}); in
 * {@code io.regionpm.recovery.log}, the tornbit and checksum-framed record logs; in
 * {@code io.regionpm.recovery.check}, the pool checker. Still to come (issue 3): lanes with
 * log space, transactions, robust cross-process locks and reader epochs.
 */
package io.regionpm.recovery;
