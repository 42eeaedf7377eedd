package io.regionpm.alloc;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.function.Consumer;

import io.regionpm.alloc.internal.pmsync.ControlFile;
import io.regionpm.alloc.internal.pmsync.ControlIdentity;
import io.regionpm.alloc.internal.pmsync.DirtyPages;
import io.regionpm.alloc.internal.pmsync.DurableFile;
import io.regionpm.alloc.internal.pmsync.ImageAttachment;
import io.regionpm.alloc.internal.pmsync.Journal;
import io.regionpm.alloc.internal.pmsync.LaneDepths;
import io.regionpm.alloc.internal.pmsync.OperationGate;
import io.regionpm.alloc.internal.pmsync.PmsyncBackend;
import io.regionpm.alloc.internal.pmsync.PmsyncCommit;
import io.regionpm.alloc.internal.pmsync.PmsyncMutex;
import io.regionpm.alloc.internal.pmsync.PmsyncStep;
import io.regionpm.alloc.internal.pmsync.ProcessEntries;
import io.regionpm.alloc.internal.pmsync.WorkingFiles;

/**
 * The storage of a {@code PMSYNC} pool: every process maps one shared <em>working image</em>
 * on tmpfs, and only {@link #pmsync()} writes the pool file, atomically, through a journal.
 *
 * <ul>
 *   <li>{@link #memory()} is the working image. A store is visible to every process at once
 *       and survives process crashes (the image is a file); {@code flush} marks the pages
 *       dirty in a shared bitmap and does no I/O.</li>
 *   <li>{@link #pmsync()} waits until no operation is inside (the quiesce barrier), copies
 *       every dirty page of every process into the journal (operations go on from there),
 *       forces it (the commit point), then writes the pages to the pool file and forces it. After a power loss the pool is
 *       exactly as of the last pmsync that reached its commit point.</li>
 *   <li>Operations bracket themselves with {@link #enterOperation(int)} and
 *       {@link #exitOperation(int)} (or the lane-less forms), so that a pmsync copies a point
 *       in time at which no operation is half done.</li>
 * </ul>
 * The pool file is never written between pmsyncs, so the kernel's early write-back of dirty
 * pages, which can write any page at any time, cannot tear a commit. The protocol and the
 * files' layouts are in {@code docs/format.md}, section "PMSYNC".
 *
 * <p>Files: the pool file {@code P}; its journal {@code P.journal} beside it; in the work
 * directory (default {@code /dev/shm}), the working image {@code pcol-<uuid>-<key>-<boot>.work}
 * and its control file {@code ...ctl}, named from the pool's UUID, the pool file's inode and
 * the boot id. The working files stay when the last process closes (a later open continues
 * on them); a reboot, or {@link #discardWorkingImage}, drops them and with them every change
 * after the last pmsync.
 *
 * <p>Thread-safety: every method may be called from any thread; a lane is entered by one
 * thread at a time. Process-safety: any number of processes (up to the pool's registry size)
 * may open the same pool at once.
 */
public final class PmsyncStore implements AutoCloseable {
    /** Where working images go by default. */
    public static final Path DEFAULT_WORK_DIR = Path.of("/dev/shm");
    private static final Duration NO_TIMEOUT = Duration.ofDays(365L * 100);
    private static final int OPEN_ATTEMPTS = 8;

    private final Path path;
    private final PoolDescriptor descriptor;
    private final Arena arena;
    private final ControlFile control;
    private final Path image;
    private final MemorySegment imageBytes;
    private final PersistentMemory memory;
    private final DirtyPages dirty;
    private final OperationGate gate;
    private final PmsyncCommit commit;
    private final ProcessEntries entries;
    private final int entry;
    private final PmsyncFiles files;
    private final LaneDepths depths;
    private volatile boolean closed;

    /** The pool file and the journal, open through the (test-replaceable) file layer. */
    private record PmsyncFiles(DurableFile pool, DurableFile journal) {
        static PmsyncFiles open(DurableFile.Opener opener, Path pool, Path journal) throws IOException {
            DurableFile p = opener.open(pool);
            try {
                return new PmsyncFiles(p, opener.open(journal));
            } catch (IOException | RuntimeException e) {
                p.close();
                throw e;
            }
        }

        void close() throws IOException {
            try {
                pool.close();
            } finally {
                journal.close();
            }
        }
    }

    private PmsyncStore(Path path, PoolDescriptor descriptor, Arena arena, ControlFile control, Path image,
                        ImageAttachment.Mapped mapped, PmsyncCommit commit, int entry, PmsyncFiles files) {
        this.path = path;
        this.descriptor = descriptor;
        this.arena = arena;
        this.control = control;
        this.image = image;
        this.imageBytes = mapped.segment();
        this.dirty = new DirtyPages(control);
        this.memory = PersistentMemory.of(mapped.segment(), new PmsyncBackend(dirty, mapped.identity()));
        this.gate = new OperationGate(control, ProcessToken.current());
        this.commit = commit;
        this.entries = new ProcessEntries(control);
        this.entry = entry;
        this.files = files;
        this.depths = new LaneDepths(descriptor.geometry().laneCount());
    }

    /**
     * Opens a {@code PMSYNC} pool with its working image in {@link #DEFAULT_WORK_DIR}.
     *
     * @param pool the pool file
     * @return the open store
     */
    public static PmsyncStore open(Path pool) {
        return open(pool, DEFAULT_WORK_DIR);
    }

    /**
     * Opens a {@code PMSYNC} pool: validates its header, then maps the working image in
     * {@code workDir}, building it from the pool file (after applying a committed journal)
     * if this is the first open since a reboot.
     *
     * @param pool    the pool file, created with durability {@link PoolSpec#PMSYNC}
     * @param workDir where the working image and control file live: tmpfs, shared by every
     *                process that opens the pool
     * @return the open store
     * @throws PoolException naming the file if the pool is missing, not {@code PMSYNC}, or
     *                       cannot be read; {@link PoolFormatException} if the pool file, the
     *                       working image or the control file is invalid or another pool's
     */
    public static PmsyncStore open(Path pool, Path workDir) {
        return open(pool, workDir, DurableFile.CHANNELS, step -> { });
    }

    /**
     * Opens with a chosen file layer and a step listener (tests: fault injection, stops).
     *
     * @param pool    the pool file
     * @param workDir the work directory
     * @param opener  opens the pool file and the journal for pmsync's writes
     * @param steps   told each step of every pmsync
     * @return the open store
     */
    static PmsyncStore open(Path pool, Path workDir, DurableFile.Opener opener, Consumer<PmsyncStep> steps) {
        PoolDescriptor d = readDescriptor(pool);
        try {
            ControlIdentity id = ControlIdentity.of(pool, d);
            Path journal = ensureJournal(pool);
            for (int attempt = 0; attempt < OPEN_ATTEMPTS; attempt++) {
                PmsyncStore store = tryOpen(pool, workDir, d, id, opener, journal, steps);
                if (store != null) {
                    return store;
                }
            }
            throw new PoolException(pool + ": the working image in " + workDir + " keeps being discarded while it is"
                    + " opened");
        } catch (IOException e) {
            throw new PoolException(pool + ": cannot open the PMSYNC pool: " + e.getMessage(), e);
        }
    }

    /**
     * Maps a {@code PMSYNC} pool for reading only, writing nothing anywhere: no control file,
     * working image or journal is created, no process entry is taken, no journal is applied.
     * What is mapped ({@link FileChannel.MapMode#READ_ONLY}, through {@link PoolFile#openReadOnly}):
     * <ul>
     *   <li>the working image in {@code workDir}, if it and its control file exist (this
     *       boot's processes opened the pool): the newest state, every operation that any
     *       process completed, pmsynced or not, as the read-write processes see it;</li>
     *   <li>otherwise the pool file itself: the state of the last completed pmsync, provided
     *       its journal holds no committed batch that is not yet applied;</li>
     *   <li>a committed, unapplied journal (a power loss or kill during a pmsync's write to the
     *       pool file, with no working image since) is refused with a {@link PoolException}:
     *       the pool file may be half updated, and applying the journal is a write. Opening
     *       the pool read-write once applies it.</li>
     * </ul>
     *
     * <p>Thread-safety: the mapping may be read by any thread until closed. Process-safety:
     * read-write processes may work on the pool meanwhile (a pmsync never waits for this
     * reader, which enters no operations, so the reader may see an operation half done in
     * the working image exactly as a crash would leave it: layers above must read with
     * their own consistency checks). Crash behaviour: nothing to recover.
     *
     * @param pool    the pool file, created with durability {@link PoolSpec#PMSYNC}
     * @param workDir the work directory the read-write processes use
     * @return the read-only mapping (of the working image or of the pool file)
     * @throws PoolException naming the file if the pool is missing, not {@code PMSYNC}, or
     *                       has a committed journal to apply; {@link PoolFormatException} if
     *                       the pool file or the working image is invalid or another pool's
     */
    public static PoolFile openReadOnly(Path pool, Path workDir) {
        PoolDescriptor d = readDescriptor(pool);
        try {
            ControlIdentity id = ControlIdentity.of(pool, d);
            Path image = id.imagePath(workDir);
            if (Files.exists(image) && Files.exists(id.controlPath(workDir))) {
                return checkedImage(PoolFile.openReadOnly(image), d);
            }
            Path journal = journalPath(pool);
            if (Files.exists(journal)) {
                try (DurableFile file = DurableFile.READ_ONLY.open(journal)) {
                    if (new Journal(file, d.uuid(), d.geometry().size() >>> 12).readCommitted() != null) {
                        throw new PoolException(pool + ": a committed pmsync in " + journal + " is not yet applied to"
                                + " the pool file (a pmsync was interrupted), and a read-only open writes nothing;"
                                + " open the pool read-write once to apply it");
                    }
                }
            }
            return PoolFile.openReadOnly(pool);
        } catch (IOException e) {
            throw new PoolException(pool + ": cannot open the PMSYNC pool read-only: " + e.getMessage(), e);
        }
    }

    private static PoolFile checkedImage(PoolFile image, PoolDescriptor d) {
        PoolDescriptor w = image.descriptor();
        if (!w.uuid().equals(d.uuid()) || w.geometry().size() != d.geometry().size()) {
            image.close();
            throw new PoolFormatException(image.path() + ": working image of another pool (UUID " + w.uuid()
                    + "; the pool file has " + d.uuid() + ")");
        }
        return image;
    }

    /** @return the store, or null if the control file was discarded while this waited */
    private static PmsyncStore tryOpen(Path pool, Path workDir, PoolDescriptor d, ControlIdentity id,
                                       DurableFile.Opener opener, Path journalPath, Consumer<PmsyncStep> steps)
            throws IOException {
        PmsyncFiles files = PmsyncFiles.open(opener, pool, journalPath);
        Arena arena = Arena.ofShared();
        try {
            ControlFile control = ControlFile.openOrCreate(id.controlPath(workDir), id, arena);
            PmsyncMutex mutex = new PmsyncMutex(control, ProcessToken.current());
            OperationGate gate = new OperationGate(control, ProcessToken.current());
            Journal journal = new Journal(files.journal(), d.uuid(), d.geometry().size() >>> 12);
            PmsyncCommit commit = new PmsyncCommit(control, mutex, gate, new DirtyPages(control), journal,
                    files.pool(), steps);
            ProcessEntries entries = new ProcessEntries(control);
            ImageAttachment.Mapped mapped;
            int entry = -1;
            mutex.acquire(System.nanoTime() + NO_TIMEOUT.toNanos(), NO_TIMEOUT, () -> false);
            try {
                mapped = ImageAttachment.attach(control, entries, commit, pool, d, id.imagePath(workDir), arena);
                if (mapped != null) {
                    entry = entries.attach(ProcessToken.current(), control.path());
                }
            } finally {
                mutex.release();
            }
            if (mapped == null) {
                closeAfterFailure(arena, files, null);
                return null;
            }
            return new PmsyncStore(pool, d, arena, control, id.imagePath(workDir), mapped, commit, entry, files);
        } catch (IOException | RuntimeException e) {
            closeAfterFailure(arena, files, e);
            throw e;
        }
    }

    /** Closes what a failed (or retried) open made; a close failure is added to {@code failure}, if any. */
    private static void closeAfterFailure(Arena arena, PmsyncFiles files, Exception failure) {
        arena.close();
        try {
            files.close();
        } catch (IOException e) {
            if (failure == null) {
                throw new PoolException(files.pool().path() + ": cannot close: " + e.getMessage(), e);
            }
            failure.addSuppressed(e);
        }
    }

    private static PoolDescriptor readDescriptor(Path pool) {
        try (FileChannel ch = FileChannel.open(pool, StandardOpenOption.READ)) {
            PoolDescriptor d = PoolFile.readHeader(ch, pool);
            if (d.durability() != PoolSpec.PMSYNC) {
                throw new PoolException(pool + ": the pool was created with durability "
                        + (d.durability() == PoolSpec.SYNC ? "SYNC" : "NONE") + ", not PMSYNC");
            }
            return d;
        } catch (NoSuchFileException e) {
            throw new PoolException(pool + ": no such pool file", e);
        } catch (IOException e) {
            throw new PoolException(pool + ": cannot read the pool header: " + e.getMessage(), e);
        }
    }

    /** Creates the journal if there is none (empty, mode 0600), durably in the directory. */
    private static Path ensureJournal(Path pool) throws IOException {
        Path journal = journalPath(pool);
        if (!Files.exists(journal)) {
            try {
                Files.createFile(journal, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")));
            } catch (FileAlreadyExistsException e) {
                return journal;
            }
            Path dir = journal.toAbsolutePath().getParent();
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException e) {
                // some file systems refuse to fsync a directory; the journal is created anyway
            }
        }
        return journal;
    }

    /**
     * @param pool a pool file
     * @return its pmsync journal: {@code <pool>.journal} beside it
     */
    public static Path journalPath(Path pool) {
        return pool.resolveSibling(pool.getFileName() + ".journal");
    }

    // ---- operations --------------------------------------------------------------------

    /**
     * Enters an operation in a lane the caller holds: waits while a pmsync collects and
     * copies the dirty pages (not during its I/O), then keeps any pmsync from starting its
     * copy until {@link #exitOperation(int)}. Nests: only the outermost enter of a thread
     * waits. Every write to {@link #memory()} belongs inside an operation.
     *
     * @param lane the lane, 0 to lanes - 1
     */
    public void enterOperation(int lane) {
        checkOpen();
        switch (depths.enterLane(lane)) {
            case OUTERMOST -> gate.enterLane(lane);
            case JOIN -> gate.joinLane(lane);
            case NESTED -> { }
        }
    }

    /** @param lane the lane entered; ends the operation there (the outermost exit) */
    public void exitOperation(int lane) {
        if (depths.exitLane(lane)) {
            gate.exitLane(lane);
        }
    }

    /**
     * Enters an operation that holds no lane (opening, registering a process, recovery at
     * open): the same barrier as {@link #enterOperation(int)}, counted in this store's
     * process entry (an atomic add on a word that this store's threads share).
     */
    public void enterOperation() {
        checkOpen();
        switch (depths.enterUnlaned()) {
            case OUTERMOST -> gate.enterEntry(entry);
            case JOIN -> gate.joinEntry(entry);
            case NESTED -> { }
        }
    }

    /** Ends an operation begun with {@link #enterOperation()}. */
    public void exitOperation() {
        if (depths.exitUnlaned()) {
            gate.exitEntry(entry);
        }
    }

    // ---- pmsync ------------------------------------------------------------------------

    /**
     * Makes every operation that completed before this call, in any process, durable at
     * once. Waits without limit for operations in progress (those of dead processes are
     * ignored).
     *
     * @return what it did
     * @throws PoolException if the journal or the pool file cannot be written; nothing is
     *                       lost from the working image, and the next pmsync writes it all
     * @throws IllegalStateException if the calling thread is inside an operation
     */
    public PmsyncStats pmsync() {
        return pmsync(NO_TIMEOUT);
    }

    /**
     * {@link #pmsync()} with a bound on waiting for another pmsync and for operations.
     *
     * @param timeout the bound
     * @return what it did
     * @throws LockTimeoutException if an operation of a live process is still inside then
     */
    public PmsyncStats pmsync(Duration timeout) {
        checkOpen();
        if (depths.inside()) {
            throw new IllegalStateException("pmsync() inside an operation of this pool would wait for itself");
        }
        try {
            return commit.run(imageBytes, timeout);
        } catch (IOException e) {
            throw new PoolException(path + ": pmsync failed: " + e.getMessage() + " (the working image keeps every"
                    + " change; the next pmsync writes them again)", e);
        }
    }

    // ---- state -------------------------------------------------------------------------

    /** @return the working image (the pool's bytes for every process; flush marks pages dirty) */
    public PersistentMemory memory() {
        checkOpen();
        return memory;
    }

    /** @return what the pool header says */
    public PoolDescriptor descriptor() {
        return descriptor;
    }

    /** @return the pool file */
    public Path path() {
        return path;
    }

    /** @return the working image's path */
    public Path workingImage() {
        return image;
    }

    /** @return the control file's path */
    public Path controlFile() {
        return control.path();
    }

    /** @return pages changed (flushed) since the last pmsync, in every process */
    public long dirtyPages() {
        checkOpen();
        return dirty.count();
    }

    /** @return the number of the last completed pmsync of this working image (0: none yet) */
    public long pmsyncs() {
        checkOpen();
        return control.memory().getLongVolatile(ControlFile.COMPLETED);
    }

    /** @return pages written to the pool file by every pmsync of this working image */
    public long pagesWritten() {
        checkOpen();
        return control.memory().getLongVolatile(ControlFile.PAGES_WRITTEN);
    }

    /** @return whether a pmsync is waiting for operations or copying now */
    public boolean quiescing() {
        checkOpen();
        return gate.quiescing();
    }

    private void checkOpen() {
        if (closed) {
            throw new PoolClosedException(path + ": the PMSYNC store is closed");
        }
    }

    /**
     * Deletes a pool's working image and control file, dropping every change made after the
     * last pmsync, as a power loss would; the next open builds a new image from the pool file.
     *
     * @param pool    the pool file
     * @param workDir the work directory it was opened with
     * @return whether there was anything to delete
     * @throws PoolException if a live process has the pool open
     */
    public static boolean discardWorkingImage(Path pool, Path workDir) {
        PoolDescriptor d = readDescriptor(pool);
        try {
            return WorkingFiles.discard(ControlIdentity.of(pool, d), workDir);
        } catch (IOException e) {
            throw new PoolException(pool + ": cannot discard the working image: " + e.getMessage(), e);
        }
    }

    /**
     * Unmaps the working image and detaches this process. The working image stays for the
     * other processes and for later opens. Every use of {@link #memory()} must have ended;
     * lanes still entered are left (so that they hold no pmsync up).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        depths.abandonAll(gate::exitLane);
        entries.detach(entry, ProcessToken.current());
        try {
            files.close();
        } catch (IOException e) {
            throw new PoolException(path + ": closing the pool file or journal failed: " + e.getMessage(), e);
        } finally {
            arena.close();
        }
    }
}
