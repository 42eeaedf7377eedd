package io.regionpm.alloc.internal.pmsync;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import org.eclipse.collections.api.list.primitive.IntList;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PmsyncStats;

import static io.regionpm.alloc.internal.pmsync.ControlFile.COMPLETED;
import static io.regionpm.alloc.internal.pmsync.ControlFile.JOURNAL_STATE;
import static io.regionpm.alloc.internal.pmsync.ControlFile.PAGES_WRITTEN;
import static io.regionpm.alloc.internal.pmsync.ControlFile.STARTED;
import static io.regionpm.alloc.internal.pmsync.ControlLayout.PAGE_BYTES;

/**
 * One pmsync, from the mutex to the cleared bits:
 * <ol>
 *   <li>take the pmsync mutex, unless a pmsync that began after this call completes first
 *       (then this call joins it: group commit across threads and processes);</li>
 *   <li>begin a quiesce and wait until no live process has an operation inside;</li>
 *   <li>settle a journal left by a dead holder (apply it if committed, else drop it);</li>
 *   <li>move the dirty bits to in-flight, list the in-flight pages;</li>
 *   <li>copy them into the journal, then end the quiesce: operations go on while the rest
 *       of the pmsync does I/O, since it no longer reads the working image;</li>
 *   <li>write the journal's table, header and commit record and force it (the commit point);</li>
 *   <li>write the pages to the pool file and force it; mark the journal empty;</li>
 *   <li>clear the in-flight bits, record the completed sequence, release the mutex.</li>
 * </ol>
 * A failure or a death at any step leaves the in-flight bits and, after the commit point, a
 * committed journal: the next pmsync (or the next open after a power loss) finishes the job.
 *
 * <p>Thread-safety: any thread; pmsyncs are serialised by the mutex.
 */
public final class PmsyncCommit {
    private final PersistentMemory c;
    private final PmsyncMutex mutex;
    private final OperationGate gate;
    private final DirtyPages dirty;
    private final Journal journal;
    private final DurableFile poolFile;
    private final Consumer<PmsyncStep> steps;

    /**
     * @param control  the control file
     * @param mutex    its pmsync mutex
     * @param gate     its quiesce barrier
     * @param dirty    its dirty-page bitmaps
     * @param journal  the journal beside the pool file
     * @param poolFile the pool file
     * @param steps    told each step (tests)
     */
    public PmsyncCommit(ControlFile control, PmsyncMutex mutex, OperationGate gate, DirtyPages dirty, Journal journal,
                        DurableFile poolFile, Consumer<PmsyncStep> steps) {
        this.c = control.memory();
        this.mutex = mutex;
        this.gate = gate;
        this.dirty = dirty;
        this.journal = journal;
        this.poolFile = poolFile;
        this.steps = steps;
    }

    /**
     * Runs one pmsync.
     *
     * @param image   the mapped working image
     * @param timeout how long to wait for the mutex and for operations in progress
     * @return what it did
     * @throws IOException if the journal or the pool file cannot be written or forced
     */
    public PmsyncStats run(MemorySegment image, Duration timeout) throws IOException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long before = c.getLongVolatile(STARTED);
        if (!mutex.acquire(deadline, timeout, () -> c.getLongVolatile(COMPLETED) > before)) {
            return new PmsyncStats(c.getLongVolatile(COMPLETED), 0, 0, 0, Duration.ZERO, since(start), true);
        }
        try {
            long sequence = c.getAndAddLong(STARTED, 1) + 1;
            int quiesce = gate.beginQuiesce();
            try {
                long waited = gate.awaitQuiescent(deadline, timeout);
                steps.accept(PmsyncStep.QUIESCED);
                settleJournal();
                dirty.moveDirtyToInFlight();
                IntList pages = dirty.inFlightPages();
                Runnable copied = () -> {
                    gate.endQuiesce(quiesce);
                    steps.accept(PmsyncStep.COPIED);
                };
                long journalBytes = pages.isEmpty() ? 0 : commit(pages, image, sequence, copied);
                steps.accept(PmsyncStep.DONE);
                c.setLongVolatile(COMPLETED, sequence);
                return new PmsyncStats(sequence, pages.size(), (long) pages.size() * PAGE_BYTES, journalBytes,
                        Duration.ofNanos(waited), since(start), false);
            } finally {
                gate.endQuiesce(quiesce); // if not ended after the copy
            }
        } finally {
            mutex.release();
        }
    }

    private long commit(IntList pages, MemorySegment image, long sequence, Runnable copied) throws IOException {
        c.setIntVolatile(JOURNAL_STATE, 1);
        long nonce = ThreadLocalRandom.current().nextLong() | 1;
        Journal.Committed written = journal.write(pages, image, nonce, sequence, copied, steps);
        applyAndClear(written, steps);
        dirty.clearInFlight(pages);
        c.getAndAddLong(PAGES_WRITTEN, pages.size());
        return Journal.bytes(pages.size());
    }

    private void applyAndClear(Journal.Committed committed, Consumer<PmsyncStep> report) throws IOException {
        journal.apply(committed, poolFile);
        report.accept(PmsyncStep.POOL_WRITTEN);
        poolFile.force();
        report.accept(PmsyncStep.POOL_DURABLE);
        journal.clear();
        c.setIntVolatile(JOURNAL_STATE, 0);
        report.accept(PmsyncStep.JOURNAL_CLEARED);
    }

    /**
     * Applies a committed journal to the pool file, or drops one that is not committed; a
     * no-op unless the control file says a pmsync may have left one. Caller holds the mutex.
     *
     * @throws IOException if the journal or the pool file fails
     */
    public void settleJournal() throws IOException {
        if (c.getIntVolatile(JOURNAL_STATE) != 0) {
            recoverJournal();
        }
    }

    /**
     * Applies a committed journal to the pool file and forces it, or drops a journal that is
     * not committed (on open after a power loss, before the working image is built).
     *
     * @return pages applied (0 if there was no committed journal)
     * @throws IOException if the journal or the pool file fails
     */
    public int recoverJournal() throws IOException {
        Journal.Committed committed = journal.readCommitted();
        if (committed != null) {
            applyAndClear(committed, step -> { });
            return committed.pages().size();
        }
        journal.clear();
        c.setIntVolatile(JOURNAL_STATE, 0);
        return 0;
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
