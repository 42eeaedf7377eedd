package io.regionpm.core;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

import org.eclipse.collections.api.map.primitive.MutableLongLongMap;
import org.eclipse.collections.impl.map.mutable.primitive.LongLongHashMap;

import io.regionpm.alloc.BackendKind;
import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PmsyncStore;
import io.regionpm.alloc.PoolDescriptor;
import io.regionpm.alloc.PoolClosedException;
import io.regionpm.alloc.PoolException;
import io.regionpm.alloc.PoolFile;
import io.regionpm.core.internal.DirectoryEntry;
import io.regionpm.core.internal.RawRegionType;
import io.regionpm.core.internal.RootDirectory;
import io.regionpm.core.spi.CollectionHandle;
import io.regionpm.core.spi.CollectionTypes;
import io.regionpm.recovery.OperationBarrier;
import io.regionpm.recovery.PoolRuntime;
import io.regionpm.recovery.check.BlockWalker;
import io.regionpm.recovery.check.CheckReport;
import io.regionpm.recovery.check.CheckRoot;
import io.regionpm.recovery.check.PoolChecker;
import io.regionpm.recovery.check.WalkerRegistry;

/**
 * A pool: one memory-mapped file holding named collections, shared by every JVM that opens
 * it. The entry point of the library.
 *
 * <p>Thread-safety: safe for any number of threads. Process-safety: any number of processes
 * (up to the pool's {@link PoolOptions#maxProcesses()}) open the same file at once; each sees
 * the others' completed operations. Crash behaviour: a process killed at any instant leaves
 * the pool consistent for the others (they recover its lanes when they meet them); after a
 * power loss the pool holds what its {@link Durability} promises. Every public method of a
 * closed pool throws {@link PoolClosedException}.
 *
 * <p>Read-only pools ({@link PoolOptions#readOnly()}) never write a byte of the pool's files:
 * see {@link #open(Path, PoolOptions)}.
 *
 * <p>Exceptions: all unchecked, under {@link PoolException} (package {@code io.regionpm.alloc},
 * the lowest module, so that every layer throws the same types).
 */
public final class Pool implements AutoCloseable {
    static {
        CollectionTypes.register(RawRegionType.INSTANCE);
    }

    private static final String DIRECTORY_TYPE = "root-directory";

    private final Path path;
    private final PoolFile file;
    private final PmsyncStore store;
    private final PoolRuntime rt;
    private final RootDirectory directory;
    private final Durability durability;
    private final boolean readOnly;
    private volatile boolean closed;

    private Pool(Path path, PoolFile file, PmsyncStore store, PoolRuntime rt, Durability durability, boolean readOnly) {
        this.path = path;
        this.file = file;
        this.store = store;
        this.rt = rt;
        this.durability = durability;
        this.readOnly = readOnly;
        this.directory = new RootDirectory(rt);
    }

    /**
     * Opens an existing pool with default options.
     *
     * @param path the pool file
     * @return the pool
     * @throws PoolException                          naming the path if it does not exist
     * @throws io.regionpm.alloc.PoolFormatException  if it is not a valid pool (never overwritten)
     */
    public static Pool open(Path path) {
        return open(path, null);
    }

    /**
     * Opens a pool, creating it with {@code options} if the file does not exist. An existing
     * file that is not a valid pool (a zero-length file included) is never overwritten.
     *
     * <p>With {@link PoolOptions#readOnly()} the pool must exist, and this process never writes
     * a byte of it: the file is opened for reading only (a file mode 0444 is enough) and mapped
     * read-only; the process does not register in the pool's process registry, takes no lock,
     * lane or reader epoch, recovers nothing and leaves the clean-shutdown marker alone, so it
     * does not count towards {@link PoolOptions#maxProcesses()}. It sees the other processes'
     * completed operations as they make them. What works:
     * {@link #names()}, {@link #stats()}, {@link #check()} (which then recovers nothing and may
     * report a concurrent writer's operation in progress), {@link #region} of an existing
     * region (a read-only view), {@link #openCollection} of an existing collection, and
     * {@link #durability()}, {@link #openedClean()}, {@link #path()}, {@link #close()}. Every
     * method that would write throws {@link PoolException} saying the pool was opened
     * read-only: {@link #drop}, {@link #transaction}, {@link #pmsync()}, {@link #markDirty},
     * {@link #repair}, and creating a region or collection.
     * <ul>
     *   <li>A pool that needs recovery (a lane of a process that died, including in a power
     *       loss, with an operation in flight) is refused with a {@link PoolException} telling
     *       to open it read-write once: recovery writes, and without it the dead process's
     *       half-done operation would be visible ({@link PoolRuntime#openReadOnly}).</li>
     *   <li>A PMSYNC pool is read from its working image in {@link PoolOptions#workDir()} when
     *       one exists (the newest state, pmsynced or not), else from the pool file (the last
     *       pmsync), refusing a pool file whose journal holds a committed pmsync not yet
     *       applied ({@link PmsyncStore#openReadOnly}).</li>
     *   <li>Without the directory mutex and reader epochs, reads are unprotected against a
     *       concurrent writer freeing what they read: the root directory's walk detects that by
     *       its entries' checksums and starts over; collections rely on their own version
     *       checks.</li>
     * </ul>
     *
     * @param path    the pool file
     * @param options how to open it, and to create it if absent (null: must exist; never
     *                created when read-only)
     * @return the pool
     * @throws io.regionpm.alloc.PoolFormatException if the file exists and is not a valid pool
     * @throws PoolException naming the path if it does not exist (and is not to be created), or,
     *                       read-only, if it cannot be read or needs recovery
     */
    public static Pool open(Path path, PoolOptions options) {
        Objects.requireNonNull(path, "path");
        if (options != null && options.readOnly()) {
            return openReadOnly(path, options);
        }
        if (options != null && !Files.exists(path)) {
            PoolFile.openOrCreate(path, options.spec()).close();
        }
        Duration timeout = options == null ? PoolOptions.DEFAULT_LOCK_TIMEOUT : options.lockTimeout();
        boolean readOnly = options != null && options.readOnly();
        Durability durability = Durability.ofCode(readDescriptor(path).durability());
        if (durability == Durability.PMSYNC) {
            Path workDir = options == null ? PmsyncStore.DEFAULT_WORK_DIR : options.workDir();
            PmsyncStore store = PmsyncStore.open(path, workDir);
            try {
                PoolRuntime rt = PoolRuntime.open(store.memory(), path.toString(), timeout, new PmsyncBarrier(store));
                return started(new Pool(path, null, store, rt, durability, readOnly));
            } catch (RuntimeException | Error e) {
                store.close();
                throw e;
            }
        }
        PoolFile file = PoolFile.open(path);
        try {
            if (durability == Durability.NONE && file.memory().backendKind() == BackendKind.FILE) {
                file.close();
                file = PoolFile.open(path, BackendKind.SHM);
            }
            PoolRuntime rt = PoolRuntime.open(file, timeout);
            return started(new Pool(path, file, null, rt, durability, readOnly));
        } catch (RuntimeException | Error e) {
            file.close();
            throw e;
        }
    }

    private static Pool openReadOnly(Path path, PoolOptions options) {
        Durability durability = Durability.ofCode(readDescriptor(path).durability());
        PoolFile file = durability == Durability.PMSYNC ? PmsyncStore.openReadOnly(path, options.workDir())
                : PoolFile.openReadOnly(path);
        try {
            PoolRuntime rt = PoolRuntime.openReadOnly(file.memory(), path.toString(), options.lockTimeout());
            return new Pool(path, file, null, rt, durability, true);
        } catch (RuntimeException | Error e) {
            file.close();
            throw e;
        }
    }

    private static Pool started(Pool pool) {
        try {
            if (!pool.readOnly) {
                pool.directory.finishDrops();
            }
            return pool;
        } catch (RuntimeException | Error e) {
            pool.close();
            throw e;
        }
    }

    private static PoolDescriptor readDescriptor(Path path) {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            return PoolFile.readHeader(channel, path);
        } catch (NoSuchFileException e) {
            throw new PoolException(path + ": no such pool file", e);
        } catch (IOException e) {
            throw new PoolException(path + ": cannot open: " + e.getMessage(), e);
        }
    }

    /** Enters and exits PMSYNC operations (lane-less) around every transaction and recovery. */
    private record PmsyncBarrier(PmsyncStore store) implements OperationBarrier {
        @Override
        public void enter() {
            store.enterOperation();
        }

        @Override
        public void exit() {
            store.exitOperation();
        }
    }

    /**
     * Opens a pool held in memory that is not a file of its own, such as the power-loss
     * simulator's: for tests of the collection modules. Durability is taken as SYNC (every
     * flush reaches the simulated media). Not for applications.
     *
     * @param pm          the pool's memory, formatted as a pool
     * @param source      a name for messages
     * @param lockTimeout the lock timeout
     * @return the pool (its close does not release {@code pm})
     */
    public static Pool attach(PersistentMemory pm, String source, Duration lockTimeout) {
        PoolRuntime rt = PoolRuntime.open(pm, source, lockTimeout);
        Pool pool = new Pool(Path.of(source), null, null, rt, Durability.SYNC, false);
        pool.directory.finishDrops();
        return pool;
    }

    /**
     * @return whether {@link #close()} has been called (by any thread of this process); every
     *         other method then throws {@link PoolClosedException}
     */
    public boolean isClosed() {
        return closed;
    }

    /** @return the pool file's path */
    public Path path() {
        return path;
    }

    /** @return the pool's durability mode */
    public Durability durability() {
        checkOpen();
        return durability;
    }

    /** @return the names of the collections and regions in the root directory */
    public Set<String> names() {
        checkOpen();
        return Set.copyOf(directory.names());
    }

    /**
     * Drops a collection or region and frees everything it holds, crash-atomically: after a
     * crash the name is gone and its blocks are freed by the next process that opens the pool
     * (and knows the collection's type).
     *
     * @param name the name
     * @return whether it existed
     */
    public boolean drop(String name) {
        checkWritable();
        return directory.drop(checkName(name));
    }

    /**
     * Runs {@code body} atomically across every collection it touches, crash-safely. Nesting is
     * flat: an inner call joins the outer transaction. Any {@link Throwable} aborts it and is
     * rethrown unchanged.
     *
     * @param body what to do
     */
    public void transaction(Runnable body) {
        checkWritable();
        rt.transaction(body);
    }

    /**
     * Like {@link #transaction(Runnable)}, returning the body's result once committed.
     *
     * @param body what to do
     * @param <T>  the result type
     * @return its result
     */
    public <T> T transaction(Supplier<T> body) {
        checkWritable();
        return rt.transaction(body);
    }

    /**
     * Persists, atomically and across every process that maps the pool, every operation
     * completed before the call (and every raw-region range marked dirty before it). In
     * {@link Durability#PMSYNC} a power loss then leaves exactly the state of the last
     * completed pmsync; concurrent pmsyncs of several threads or processes are grouped. In
     * {@link Durability#SYNC} every completed operation is already durable and in
     * {@link Durability#NONE} there is nothing to persist to, so it returns at once.
     *
     * @throws IllegalStateException if called inside a transaction
     * @throws PoolException         if the pool was opened read-only (a pmsync writes the pool file)
     */
    public void pmsync() {
        checkWritable();
        if (store != null) {
            if (rt.current() != null) {
                throw new IllegalStateException("pmsync() inside a transaction: call it after the transaction");
            }
            store.pmsync();
        }
    }

    /**
     * A raw region: {@code size} bytes of the pool under {@code name}, created zero-filled if
     * absent, that the caller reads and writes directly; {@link #markDirty} makes written
     * ranges durable (in SYNC at once; in PMSYNC at the next {@link #pmsync()}).
     *
     * <p>On a pool opened read-only the region must exist: this returns a read-only view of
     * its first {@code size} bytes (writes through it throw the JDK's exception for a read-only
     * segment, an {@link IllegalArgumentException}), and a missing name throws {@link PoolException}.
     *
     * @param name the region's name
     * @param size its size in bytes; an existing region must be at least this large
     * @return a writable view of the region (read-only if the pool is), valid until the pool is closed
     * @throws IllegalStateException                if the name belongs to another type, or the region is smaller
     * @throws io.regionpm.alloc.PoolFullException  if the pool has no room (nothing changed)
     * @throws PoolException                        read-only, if there is no region of that name
     */
    public MemorySegment region(String name, long size) {
        checkOpen();
        checkName(name);
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive: " + size);
        }
        PersistentMemory pm = rt.memory();
        if (readOnly) {
            DirectoryEntry e = existing(name, "region");
            return pm.readOnlySlice(regionBlock(pm, e, size), size);
        }
        long block = rt.transaction(() -> {
            DirectoryEntry e = directory.find(name);
            if (e == null) {
                e = directory.create(name, RawRegionType.NAME, "size=" + size, "", UpdateStrategy.IN_PLACE);
                long b = rt.current().allocate(size);
                pm.fill(b, size, (byte) 0);
                pm.setLong(e.rootSlot(), b);
                return b;
            }
            return regionBlock(pm, e, size);
        });
        return pm.writableSlice(block, size);
    }

    private static long regionBlock(PersistentMemory pm, DirectoryEntry e, long size) {
        checkType(e, RawRegionType.NAME);
        long b = pm.getLongAcquire(e.rootSlot());
        long created = Long.parseLong(e.keyCodec().substring("size=".length()));
        if (created < size) {
            throw new IllegalStateException("region " + e.name() + " has " + created + " bytes, not " + size);
        }
        return b;
    }

    /** A read-only pool's live entry of {@code name}, or a PoolException: creating it would write. */
    private DirectoryEntry existing(String name, String what) {
        DirectoryEntry e = directory.findUnlocked(name);
        if (e == null) {
            throw new PoolException(path + ": the pool was opened read-only: there is no " + what + " named " + name
                    + ", and creating one is refused");
        }
        return e;
    }

    /**
     * Marks a range of a raw region written: durable when this returns in SYNC, at the next
     * {@link #pmsync()} in PMSYNC.
     *
     * @param region a view returned by {@link #region}
     * @param offset first byte, relative to the region
     * @param length bytes
     * @throws PoolException if the pool was opened read-only
     */
    public void markDirty(MemorySegment region, long offset, long length) {
        checkWritable();
        Objects.checkFromIndexSize(offset, length, region.byteSize());
        PersistentMemory pm = rt.memory();
        long at = pm.offsetOf(region) + offset;
        pm.storedThroughView(at, length);
        pm.flush(at, length);
        pm.drain();
    }

    /**
     * Opens or creates a collection's directory entry (for collection implementations).
     *
     * @param name            the collection's name
     * @param type            its type name
     * @param keyCodec        key codec identity ("" for none)
     * @param valueCodec      value codec identity ("" for none)
     * @param strategy        the strategy asked for, or null for "as created" (new: the default)
     * @param defaultStrategy the type's default strategy
     * @return the handle
     * @throws IllegalStateException if the name exists with another type, codecs or an
     *                               explicitly different strategy
     * @throws PoolException         on a pool opened read-only, if the name does not exist
     *                               (creating it would write); an existing one opens
     */
    public CollectionHandle openCollection(String name, String type, String keyCodec, String valueCodec,
                                           UpdateStrategy strategy, UpdateStrategy defaultStrategy) {
        checkOpen();
        checkName(name);
        DirectoryEntry e;
        if (readOnly) {
            e = checkMatches(existing(name, "collection"), type, keyCodec, valueCodec, strategy);
        } else {
            e = rt.transaction(() -> {
                DirectoryEntry found = directory.find(name);
                if (found == null) {
                    return directory.create(name, type, keyCodec, valueCodec,
                            strategy == null ? defaultStrategy : strategy);
                }
                return checkMatches(found, type, keyCodec, valueCodec, strategy);
            });
        }
        return new CollectionHandle(e.name(), e.type(), e.keyCodec(), e.valueCodec(), e.strategy(), e.rootSlot());
    }

    private static DirectoryEntry checkMatches(DirectoryEntry found, String type, String keyCodec, String valueCodec,
                                               UpdateStrategy strategy) {
        String name = found.name();
        checkType(found, type);
        if (!found.keyCodec().equals(keyCodec) || !found.valueCodec().equals(valueCodec)) {
            throw new IllegalStateException(name + " was created with codecs (" + found.keyCodec() + ", "
                    + found.valueCodec() + "), not (" + keyCodec + ", " + valueCodec + ")");
        }
        if (strategy != null && strategy != found.strategy()) {
            throw new IllegalStateException(name + " was created with strategy " + found.strategy() + ", not " + strategy);
        }
        return found;
    }

    private static void checkType(DirectoryEntry e, String type) {
        if (!e.type().equals(type)) {
            throw new IllegalStateException(e.name() + " is a " + e.type() + ", not a " + type);
        }
    }

    /** @return the recovery runtime (for collection implementations) */
    public PoolRuntime runtime() {
        checkOpen();
        return rt;
    }

    /**
     * Figures of the pool, walking the allocator's tables (proportional to the pool's size).
     *
     * @return the snapshot
     */
    public PoolStats stats() {
        checkOpen();
        MutableLongLongMap blocks = new LongLongHashMap();
        MutableLongLongMap bytes = new LongLongHashMap();
        long[] used = {0};
        rt.heap().forEachAllocated(b -> {
            long size = rt.heap().usableSize(b);
            long key = size > 16_384 ? 0 : size;
            blocks.addToValue(key, 1);
            bytes.addToValue(key, size);
            used[0] += size;
        });
        List<PoolStats.SizeClassUse> classes = new ArrayList<>();
        for (long key : blocks.keysView().toSortedArray()) {
            if (key != 0) {
                classes.add(new PoolStats.SizeClassUse(key, blocks.get(key), bytes.get(key)));
            }
        }
        if (blocks.containsKey(0)) {
            classes.add(new PoolStats.SizeClassUse(0, blocks.get(0), bytes.get(0)));
        }
        long data = rt.geometry().dataBytes();
        return new PoolStats(rt.geometry().size(), data, used[0], data - used[0], classes, durability,
                rt.memory().backendKind().name(), rt.registry().liveCount(), rt.root().recoveries(),
                directory.names().size());
    }

    /**
     * Checks the whole pool: header, allocator tables, lane logs, and every collection from the
     * root directory through its type's walker (types this JVM has not loaded are reported as
     * problems). Reads only; dead processes' lanes are recovered first, except on a pool
     * opened read-only, which recovers nothing (its open refused a pool with dead lanes; a
     * writer's operation in progress meanwhile may then be reported).
     *
     * @return the report: problems, leaked blocks, dangling references
     */
    public CheckReport check() {
        return checker().check(checkRoots());
    }

    /**
     * Frees the leaked blocks a clean-apart-from-leaks report lists.
     *
     * @param report what {@link #check()} returned
     * @return how many blocks were freed
     * @throws PoolException if the report has other problems (nothing changed)
     */
    public long repair(CheckReport report) {
        checkWritable();
        return checker().repair(report);
    }

    private PoolChecker checker() {
        checkOpen();
        if (!readOnly) {
            rt.recoverDeadLanes();
        }
        WalkerRegistry walkers = CollectionTypes.walkers().register(DIRECTORY_TYPE, BlockWalker.chain());
        return rt.checker(walkers);
    }

    private List<CheckRoot> checkRoots() {
        List<CheckRoot> roots = new ArrayList<>(rt.systemRoots());
        roots.add(new CheckRoot("root directory", DIRECTORY_TYPE, rt.root().slot(RootDirectory.HEAD_SLOT)));
        roots.addAll(directory.checkRoots());
        return roots;
    }

    /** @return whether this open found the pool closed cleanly (and did no recovery work) */
    public boolean openedClean() {
        checkOpen();
        return rt.openedClean();
    }

    private void checkOpen() {
        if (closed) {
            throw new PoolClosedException(path + ": the pool is closed");
        }
    }

    private void checkWritable() {
        checkOpen();
        if (readOnly) {
            throw new PoolException(path + ": the pool was opened read-only");
        }
    }

    private static String checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name must not be empty");
        }
        try {
            ByteBuffer utf8 = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(name));
            if (utf8.remaining() > DirectoryEntry.MAX_NAME_BYTES) {
                throw new IllegalArgumentException("name must be at most " + DirectoryEntry.MAX_NAME_BYTES
                        + " UTF-8 bytes: " + utf8.remaining());
            }
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("name is not valid Unicode (unpaired surrogate?): " + e.getMessage(), e);
        }
        return name;
    }

    /**
     * Closes the pool in this process (the last process to close marks it cleanly shut down;
     * a read-only pool just unmaps it).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            rt.close();
        } finally {
            if (file != null) {
                file.close();
            }
            if (store != null) {
                store.close();
            }
        }
    }
}
