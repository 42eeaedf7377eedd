/**
 * Raw word logs: circular buffers of records of 64-bit words in a fixed region of a pool,
 * committed with one flush and one fence per record, read back after a crash with torn
 * records detected and dropped (issue 3, "Logs"; DESIGN.md section 4, {@code APPEND}).
 *
 * <ul>
 *   <li>{@link io.regionpm.recovery.log.RecordLog}: the contract (append, flush, truncate,
 *       recover) and its crash behaviour; {@link io.regionpm.recovery.log.RecordVisitor}
 *       receives recovered records.</li>
 *   <li>{@link io.regionpm.recovery.log.TornbitLog}: Mnemosyne's tornbit log, one torn bit
 *       per word, 63 bits of data per word; detects missing writes, not flipped data bits.</li>
 *   <li>{@link io.regionpm.recovery.log.ChecksumLog}: a header with length and sequence and a
 *       64-bit checksum per record; detects missing writes and corruption.</li>
 * </ul>
 *
 * <p>Priorities: a record whose flush returned survives any crash, and nothing torn,
 * partial, stale (from an earlier pass) or truncated is ever handed out by recovery. Each
 * class documents its on-pool layout; docs/format.md ("Record logs") collects them.
 *
 * <p>Not guaranteed: thread-safety (one writer thread at a time), concurrent use of one
 * region by several processes (one process at a time; a successor opens and recovers), or
 * that {@code append} is atomic against a crash without a {@code flush} (it is either
 * recovered whole or not at all, but which is not known until recovery).
 */
package io.regionpm.recovery.log;
