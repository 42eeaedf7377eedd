/**
 * Recovery: the process registry ({@link io.regionpm.recovery.ProcessRegistry}) and, in
 * {@code io.regionpm.recovery.log}, the tornbit and checksum-framed record logs. Still to
 * come (issue 3): lanes with log space, transactions, robust cross-process locks, reader
 * epochs and the pool checker.
 */
package io.regionpm.recovery;
