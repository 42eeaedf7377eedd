package io.regionpm.alloc;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

import io.regionpm.alloc.internal.DaxBackend;
import io.regionpm.alloc.internal.MsyncBackend;
import io.regionpm.alloc.internal.ShmBackend;

import jdk.nio.mapmode.ExtendedMapMode;

/**
 * A pool file mapped into this process: creation, validation, mapping and unmapping.
 *
 * <p>Creation is crash-safe and never overwrites anything: the pool is built in a hidden
 * temporary file beside the target (mode 0600, sparse), made durable, and then hard-linked
 * to its name, which fails if the name exists. A crash during creation leaves at most the
 * temporary file, never a half-made pool under the real name. Opening validates the
 * header completely ({@link PoolHeader#validate}) before mapping.
 *
 * <p>The back end is chosen by probing: tmpfs gives {@link BackendKind#SHM}; otherwise a
 * {@code MAP_SYNC} mapping is tried ({@link BackendKind#DAX}) and, where the file system
 * refuses it, an ordinary shared mapping flushed with {@code msync} ({@link BackendKind#FILE}).
 *
 * <p>Thread-safety: the memory may be used by any thread until {@link #close()}.
 * Process-safety: any number of processes may map the same pool at once.
 */
public final class PoolFile implements AutoCloseable {
    private final Path path;
    private final Arena arena;
    private final PersistentMemory memory;
    private final PoolDescriptor descriptor;

    private PoolFile(Path path, Arena arena, PersistentMemory memory, PoolDescriptor descriptor) {
        this.path = path;
        this.arena = arena;
        this.memory = memory;
        this.descriptor = descriptor;
    }

    /**
     * Creates a new pool; fails if the name exists.
     *
     * @param path where
     * @param spec size, lanes, durability
     * @return the mapped, empty pool
     * @throws PoolException if the file exists or cannot be created
     */
    public static PoolFile create(Path path, PoolSpec spec) {
        PoolFile made = createOrNull(path, spec, null);
        if (made == null) {
            throw new PoolException(path + ": already exists");
        }
        return made;
    }

    /**
     * Opens the pool at {@code path}, creating it from {@code spec} if there is no file.
     * An existing file is never overwritten: if it is not a valid pool this throws.
     *
     * @param path where
     * @param spec used only if the pool is created
     * @return the mapped pool
     */
    public static PoolFile openOrCreate(Path path, PoolSpec spec) {
        PoolFile made = createOrNull(path, spec, null);
        return made != null ? made : open(path);
    }

    /**
     * Opens an existing pool with the probed back end.
     *
     * @param path the pool file
     * @return the mapped pool
     * @throws PoolException naming the path if it does not exist
     * @throws PoolFormatException if it is not a valid pool
     */
    public static PoolFile open(Path path) {
        return open(path, null);
    }

    /**
     * Opens an existing pool, choosing the back end.
     *
     * @param path    the pool file
     * @param backend {@link BackendKind#FILE}, {@link BackendKind#SHM} or
     *                {@link BackendKind#DAX} to force one (tests), or null to probe
     * @return the mapped pool
     * @throws IllegalArgumentException for {@link BackendKind#PMSYNC} (see {@link PmsyncStore})
     *                                  or {@link BackendKind#SIMULATED}
     */
    public static PoolFile open(Path path, BackendKind backend) {
        if (backend == BackendKind.PMSYNC || backend == BackendKind.SIMULATED) {
            throw new IllegalArgumentException("PoolFile maps FILE, SHM or DAX, not " + backend
                    + (backend == BackendKind.PMSYNC ? " (open PMSYNC pools with PmsyncStore)" : ""));
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return map(path, channel, readHeader(channel, path), backend);
        } catch (NoSuchFileException e) {
            throw new PoolException(path + ": no such pool file", e);
        } catch (IOException e) {
            throw new PoolException(path + ": cannot open: " + e.getMessage(), e);
        }
    }

    /**
     * Opens an existing pool without ever writing to it: the file is opened for reading only
     * (so a file the user may only read, mode 0444, opens) and mapped
     * {@link FileChannel.MapMode#READ_ONLY}. No lock is taken and nothing is written, the
     * header included: the memory is {@linkplain PersistentMemory#isReadOnly() read-only} and
     * refuses every store and flush with a {@link PoolException}. The back end is probed as
     * for {@link #open(Path)} ({@link BackendKind#SHM} on tmpfs, else {@link BackendKind#FILE};
     * never {@link BackendKind#DAX}, whose {@code MAP_SYNC} needs a writable mapping).
     *
     * <p>Thread-safety: the memory may be read by any thread until {@link #close()}.
     * Process-safety: other processes may map the same file read-write and change it at the
     * same time; this mapping sees their stores as they make them (it shares the page cache).
     * Crash behaviour: nothing to recover, since nothing was written.
     *
     * @param path the pool file (for a PMSYNC pool, see {@link PmsyncStore#openReadOnly})
     * @return the read-only mapping
     * @throws PoolException naming the path if it does not exist or cannot be read
     * @throws PoolFormatException if it is not a valid pool
     */
    public static PoolFile openReadOnly(Path path) {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            PoolDescriptor d = readHeader(channel, path);
            Object identity = identity(path);
            Arena arena = Arena.ofShared();
            try {
                MemorySegment seg = channel.map(FileChannel.MapMode.READ_ONLY, 0, d.geometry().size(), arena);
                PersistenceBackend pb = probe(path) == BackendKind.SHM ? new ShmBackend(identity)
                        : new MsyncBackend(seg.address(), identity);
                return new PoolFile(path, arena, PersistentMemory.of(seg, pb), d);
            } catch (IOException | RuntimeException e) {
                arena.close();
                throw e;
            }
        } catch (NoSuchFileException e) {
            throw new PoolException(path + ": no such pool file", e);
        } catch (IOException e) {
            throw new PoolException(path + ": cannot open read-only: " + e.getMessage(), e);
        }
    }

    /**
     * Reads and validates the header of an open pool file ({@link PoolHeader#validate}).
     *
     * @param channel the file, open for reading
     * @param path    its name, for messages
     * @return what the header says
     * @throws IOException if it cannot be read
     * @throws PoolFormatException if it is not a valid pool
     */
    public static PoolDescriptor readHeader(FileChannel channel, Path path) throws IOException {
        long length = channel.size();
        ByteBuffer head = ByteBuffer.allocate((int) Math.min(length, PoolGeometry.HEADER_BYTES));
        while (head.hasRemaining() && channel.read(head, head.position()) > 0) {
            // read the header
        }
        head.flip();
        return PoolHeader.validate(MemorySegment.ofBuffer(head), length, path.toString());
    }

    private static PoolFile createOrNull(Path path, PoolSpec spec, BackendKind backend) {
        if (Files.exists(path)) {
            return null;
        }
        Path dir = path.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + path.getFileName() + ".creating-" + UUID.randomUUID());
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            PoolFile made;
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.allocate(1), spec.size() - 1);
                made = format(tmp, ch, spec, backend);
                ch.force(true);
            }
            if (!link(path, tmp)) {
                made.close();
                return null;
            }
            forceDirectory(dir);
            return made.renamed(path);
        } catch (IOException e) {
            throw new PoolException(path + ": cannot create: " + e.getMessage(), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    private static PoolFile format(Path tmp, FileChannel ch, PoolSpec spec, BackendKind backend) throws IOException {
        PoolGeometry g = spec.geometry();
        PoolDescriptor placeholder = new PoolDescriptor(null, PoolHeader.FORMAT_VERSION, spec.durability(), 0, g);
        PoolFile made = map(tmp, ch, placeholder, backend);
        PoolDescriptor d = PoolHeader.format(made.memory, spec, UUID.randomUUID(), System.currentTimeMillis());
        return new PoolFile(tmp, made.arena, made.memory, d);
    }

    private static boolean link(Path path, Path tmp) throws IOException {
        try {
            Files.createLink(path, tmp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    private PoolFile renamed(Path to) {
        return new PoolFile(to, arena, memory, descriptor);
    }

    private static PoolFile map(Path path, FileChannel ch, PoolDescriptor d, BackendKind backend) throws IOException {
        Object identity = identity(path);
        Arena arena = Arena.ofShared();
        try {
            long size = d.geometry().size();
            BackendKind kind = backend != null ? backend : probe(path);
            MemorySegment seg = null;
            if (kind == BackendKind.DAX || backend == null && kind == BackendKind.FILE) {
                seg = tryMapSync(ch, size, arena);
                if (seg == null && backend == BackendKind.DAX) {
                    throw new PoolException(path + ": the DAX back end was asked for, but the file system"
                            + " refuses MAP_SYNC mappings");
                }
                kind = seg != null ? BackendKind.DAX : BackendKind.FILE;
            }
            if (seg == null) {
                seg = ch.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            }
            PersistenceBackend pb = switch (kind) {
                case DAX -> new DaxBackend(seg, identity);
                case SHM -> new ShmBackend(identity);
                default -> new MsyncBackend(seg.address(), identity);
            };
            return new PoolFile(path, arena, PersistentMemory.of(seg, pb), d);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static MemorySegment tryMapSync(FileChannel ch, long size, Arena arena) {
        try {
            return ch.map(ExtendedMapMode.READ_WRITE_SYNC, 0, size, arena);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    private static BackendKind probe(Path path) throws IOException {
        String type = Files.getFileStore(path).type();
        return "tmpfs".equals(type) || "ramfs".equals(type) ? BackendKind.SHM : BackendKind.FILE;
    }

    private static Object identity(Path path) throws IOException {
        Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        return key != null ? key : path.toRealPath();
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some file systems refuse to fsync a directory; the link is still made
        }
    }

    private static void deleteQuietly(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            // a leftover temporary file is harmless and named as such
        }
    }

    /** @return the pool file's path */
    public Path path() {
        return path;
    }

    /** @return the mapped bytes */
    public PersistentMemory memory() {
        return memory;
    }

    /** @return what the header says */
    public PoolDescriptor descriptor() {
        return descriptor;
    }

    /**
     * Unmaps the pool. Callers must have stopped every use of {@link #memory()} first;
     * a later access fails with {@link IllegalStateException} from the closed arena.
     */
    @Override
    public void close() {
        arena.close();
    }
}
