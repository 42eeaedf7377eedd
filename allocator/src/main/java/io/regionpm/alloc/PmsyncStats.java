package io.regionpm.alloc;

import java.time.Duration;

/**
 * What one {@link PmsyncStore#pmsync()} did.
 *
 * @param sequence     the pmsync that made the caller's operations durable (pmsyncs of this
 *                     working image are numbered from 1)
 * @param pages        4 KiB pages written to the pool file (0 if nothing was dirty, or if
 *                     {@code joined})
 * @param bytes        bytes written to the pool file ({@code pages * 4096})
 * @param journalBytes bytes written to the journal (pages, table, header, commit record)
 * @param quiesceWait  time spent waiting for operations in progress to end
 * @param duration     the whole call, waits included
 * @param joined       whether a pmsync that began after this call did the work (of another
 *                     thread or process), so that this call only waited for it
 */
public record PmsyncStats(long sequence, long pages, long bytes, long journalBytes, Duration quiesceWait,
                          Duration duration, boolean joined) {
}
