package io.regionpm.alloc.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Locale;

import io.regionpm.alloc.FutexResult;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Every FFM downcall of the project: {@code msync}, {@code futex} (through {@code syscall}),
 * the page size, and the {@code open}/{@code lseek(SEEK_DATA, SEEK_HOLE)}/{@code close} walk
 * that finds the allocated extents of a sparse file. Each call captures {@code errno} and turns a failure into an exception
 * that names the call and the error.
 *
 * <p>Thread-safety: all methods are safe from any thread. Linux only (x86-64 and aarch64).
 * This is the only class that links native functions (the restricted FFM methods).
 */
@SuppressWarnings("restricted")
public final class NativeCalls {
    private static final int MS_SYNC = 4;
    private static final int FUTEX_WAIT = 0;
    private static final int FUTEX_WAKE = 1;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final int ETIMEDOUT = 110;
    private static final int ENXIO = 6;
    private static final int O_RDONLY_CLOEXEC = 0x80000;
    private static final int SEEK_DATA = 3;
    private static final int SEEK_HOLE = 4;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final MethodHandle MSYNC = LINKER.downcallHandle(symbol("msync"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle SYSCALL6 = LINKER.downcallHandle(symbol("syscall"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG,
                    JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1), CAPTURE_ERRNO);
    private static final MethodHandle OPEN = LINKER.downcallHandle(symbol("open"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2),
            CAPTURE_ERRNO);
    private static final MethodHandle LSEEK = LINKER.downcallHandle(symbol("lseek"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle CLOSE = LINKER.downcallHandle(symbol("close"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle GETPAGESIZE = LINKER.downcallHandle(symbol("getpagesize"),
            FunctionDescriptor.of(JAVA_INT));
    private static final long SYS_FUTEX = futexSyscallNumber();
    private static final int PAGE_SIZE = pageSizeNow();

    private static final ThreadLocal<MemorySegment> CALL_STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE));

    private NativeCalls() {
    }

    /** @return the system page size in bytes */
    public static int pageSize() {
        return PAGE_SIZE;
    }

    /**
     * {@code msync(address, length, MS_SYNC)}: writes the pages of a file mapping back and
     * waits for the write to complete.
     *
     * @param address start, a multiple of the page size
     * @param length  bytes
     * @throws IOException naming errno if the call fails (EIO on a failed disk, ENOMEM, ...)
     */
    public static void msync(long address, long length) throws IOException {
        MemorySegment state = CALL_STATE.get();
        int rc;
        try {
            rc = (int) MSYNC.invokeExact(state, MemorySegment.ofAddress(address), length, MS_SYNC);
        } catch (Throwable t) {
            throw new IllegalStateException("msync downcall failed", t);
        }
        if (rc != 0) {
            int errno = errno(state);
            throw new IOException("msync(0x" + Long.toHexString(address) + ", " + length
                    + ", MS_SYNC) failed: errno " + errno + " (" + errnoName(errno) + ")");
        }
    }

    /**
     * Waits while the 4-byte word at {@code address} holds {@code expected}, in any process
     * that maps the same file (a shared futex: no private flag).
     *
     * @param address  address of a 4-byte aligned word in a shared mapping
     * @param expected the value to wait on
     * @param timeout  how long at most; {@code null} waits without limit
     * @return why the wait ended
     */
    public static FutexResult futexWait(long address, int expected, Duration timeout) {
        MemorySegment state = CALL_STATE.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ts = MemorySegment.NULL;
            if (timeout != null) {
                ts = arena.allocate(16, 8);
                ts.set(JAVA_LONG, 0, timeout.getSeconds());
                ts.set(JAVA_LONG, 8, timeout.getNano());
            }
            long rc = syscall(state, FUTEX_WAIT, address, expected, ts.address());
            if (rc == 0) {
                return FutexResult.WOKEN;
            }
            int errno = errno(state);
            return switch (errno) {
                case EAGAIN -> FutexResult.VALUE_CHANGED;
                case ETIMEDOUT -> FutexResult.TIMED_OUT;
                case EINTR -> FutexResult.INTERRUPTED;
                default -> throw new IllegalStateException("futex(FUTEX_WAIT) failed: errno " + errno
                        + " (" + errnoName(errno) + ")");
            };
        }
    }

    /**
     * Wakes up to {@code count} waiters on the word at {@code address}, in any process.
     *
     * @param address address of a 4-byte aligned word in a shared mapping
     * @param count   how many waiters at most
     * @return how many were woken
     */
    public static int futexWake(long address, int count) {
        MemorySegment state = CALL_STATE.get();
        long rc = syscall(state, FUTEX_WAKE, address, count, 0L);
        if (rc < 0) {
            int errno = errno(state);
            throw new IllegalStateException("futex(FUTEX_WAKE) failed: errno " + errno
                    + " (" + errnoName(errno) + ")");
        }
        return (int) rc;
    }

    /**
     * The allocated extents of a (sparse) file, found with {@code lseek(SEEK_DATA)} and
     * {@code lseek(SEEK_HOLE)}: every byte outside them reads as zero. A file system without
     * hole reporting gives one extent covering the whole file.
     *
     * @param file   the file
     * @param length the file's length; extents are clipped to it
     * @return start and end offsets, alternating and ascending: {@code [s0, e0, s1, e1, ...]}
     * @throws IOException naming the call and errno if one fails
     */
    public static long[] dataExtents(Path file, long length) throws IOException {
        MemorySegment state = CALL_STATE.get();
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            fd = (int) OPEN.invokeExact(state, arena.allocateFrom(file.toString()), O_RDONLY_CLOEXEC, 0);
        } catch (Throwable t) {
            throw new IllegalStateException("open downcall failed", t);
        }
        if (fd < 0) {
            throw new IOException("open(" + file + ", O_RDONLY) failed: " + errnoName(errno(state)));
        }
        try {
            return extents(state, fd, file, length);
        } finally {
            close(state, fd, file);
        }
    }

    private static long[] extents(MemorySegment state, int fd, Path file, long length) throws IOException {
        long[] found = new long[8];
        int n = 0;
        long at = 0;
        while (at < length) {
            long start = lseek(state, fd, at, SEEK_DATA, file);
            if (start < 0 || start >= length) {
                break;
            }
            long end = Math.min(length, Math.max(start + 1, lseek(state, fd, start, SEEK_HOLE, file)));
            if (n == found.length) {
                found = Arrays.copyOf(found, n * 2);
            }
            found[n++] = start;
            found[n++] = end;
            at = end;
        }
        return Arrays.copyOf(found, n);
    }

    /** @return the offset, or -1 when SEEK_DATA finds no data after {@code at} (ENXIO) */
    private static long lseek(MemorySegment state, int fd, long at, int whence, Path file) throws IOException {
        long rc;
        try {
            rc = (long) LSEEK.invokeExact(state, fd, at, whence);
        } catch (Throwable t) {
            throw new IllegalStateException("lseek downcall failed", t);
        }
        if (rc >= 0) {
            return rc;
        }
        int errno = errno(state);
        if (errno == ENXIO) {
            return -1;
        }
        throw new IOException("lseek(" + file + ", " + at + ", " + (whence == SEEK_DATA ? "SEEK_DATA" : "SEEK_HOLE")
                + ") failed: " + errnoName(errno));
    }

    private static void close(MemorySegment state, int fd, Path file) throws IOException {
        int rc;
        try {
            rc = (int) CLOSE.invokeExact(state, fd);
        } catch (Throwable t) {
            throw new IllegalStateException("close downcall failed", t);
        }
        if (rc != 0) {
            throw new IOException("close(" + file + ") failed: " + errnoName(errno(state)));
        }
    }

    private static long syscall(MemorySegment state, int op, long address, long value, long timeout) {
        if (SYS_FUTEX < 0) {
            throw new UnsupportedOperationException("futex is not supported on "
                    + System.getProperty("os.arch"));
        }
        try {
            return (long) SYSCALL6.invokeExact(state, SYS_FUTEX, address, (long) op, value, timeout, 0L, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException("futex downcall failed", t);
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static String errnoName(int errno) {
        return switch (errno) {
            case 1 -> "EPERM";
            case EINTR -> "EINTR";
            case 2 -> "ENOENT";
            case 5 -> "EIO";
            case ENXIO -> "ENXIO";
            case EAGAIN -> "EAGAIN";
            case 12 -> "ENOMEM";
            case 13 -> "EACCES";
            case 14 -> "EFAULT";
            case 16 -> "EBUSY";
            case 22 -> "EINVAL";
            case 28 -> "ENOSPC";
            case 38 -> "ENOSYS";
            case ETIMEDOUT -> "ETIMEDOUT";
            default -> "errno " + errno;
        };
    }

    private static MemorySegment symbol(String name) {
        return LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    }

    private static long futexSyscallNumber() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64" -> 202;
            case "aarch64", "arm64" -> 98;
            default -> -1;
        };
    }

    private static int pageSizeNow() {
        try {
            return (int) GETPAGESIZE.invokeExact();
        } catch (Throwable t) {
            throw new ExceptionInInitializerError(t);
        }
    }
}
