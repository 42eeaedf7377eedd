/**
 * PersistentLog: a durable append-only log with tailing readers in other JVMs and head truncation.
 *
 * <p>Priorities: an append is atomic (whole or absent) against process crashes and, as the
 * pool's durability mode promises, power loss; readers never see a torn record nor one twice;
 * a dead appender never blocks readers. Not guaranteed: a reader's {@link
 * io.regionpm.log.LogReader#poll} latency across JVMs is bounded by a futex wake, not by a
 * spin; records before a truncated head are gone even for readers that had not reached them.
 */
package io.regionpm.log;
