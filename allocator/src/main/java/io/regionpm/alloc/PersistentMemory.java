package io.regionpm.alloc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;

import io.regionpm.alloc.internal.NativeCalls;

/**
 * The pool's bytes: aligned 4- and 8-byte loads and stores in plain, acquire/release,
 * volatile and atomic forms, bulk copy and fill, and the two persistence operations
 * {@link #flush} and {@link #drain}. Offsets are pool offsets (0 is the first byte of the
 * file). Multi-byte values are in the platform's native (little-endian) order.
 *
 * <p>Every access is bounds- and alignment-checked; a bad offset (typically one read from a
 * corrupted pool) throws {@link PoolCorruptedException}, never an
 * {@code IndexOutOfBoundsException} or a JVM crash. Only aligned 8-byte stores are
 * failure-atomic: after a power loss a word holds its old or its new value, never a mix.
 *
 * <p>Persistence model (the persistent-memory model, also used for ordinary files whose
 * dirty pages the kernel may write back at any time): a store may become durable at any
 * moment after it is made, in any order; it is certainly durable once a {@link #flush} of a
 * range covering it has been followed by a {@link #drain}. Protocols therefore flush and
 * drain data before they publish a pointer to it.
 *
 * <p>Thread-safety: safe for concurrent use by many threads; the atomic forms are atomic
 * across every process that maps the same file.
 */
public final class PersistentMemory {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final MemorySegment segment;
    private final long size;
    private final PersistenceBackend backend;
    private final PersistenceBackend observer;
    private final boolean readOnly;

    private PersistentMemory(MemorySegment segment, PersistenceBackend backend) {
        this.segment = segment;
        this.readOnly = segment.isReadOnly();
        this.size = segment.byteSize();
        this.backend = backend;
        this.observer = backend.observesStores() ? backend : null;
    }

    /**
     * Wraps a mapped (or, for the simulator, allocated) segment. A read-only segment (a
     * {@code READ_ONLY} mapping) gives a read-only memory: see {@link #isReadOnly()}.
     *
     * @param segment the pool's bytes, 8-byte aligned at its start
     * @param backend how flushes reach durable media
     * @return the persistent memory
     */
    public static PersistentMemory of(MemorySegment segment, PersistenceBackend backend) {
        if ((segment.address() & 7) != 0) {
            throw new IllegalArgumentException("segment must be 8-byte aligned");
        }
        return new PersistentMemory(segment, backend);
    }

    /** @return the pool's size in bytes */
    public long size() {
        return size;
    }

    /**
     * Whether this memory is a read-only mapping. Then every store, atomic update, bulk
     * write, {@link #writableSlice}, {@link #flush} and {@link #drain} throws
     * {@link PoolException} (saying the pool is mapped read-only) before touching anything;
     * loads, {@link #readOnlySlice} and the futex calls work as usual.
     *
     * @return true for a read-only mapping
     */
    public boolean isReadOnly() {
        return readOnly;
    }

    /** @return the back end in use */
    public BackendKind backendKind() {
        return backend.kind();
    }

    /** @return the back end, whose identity tells mappings of the same storage apart */
    public PersistenceBackend backend() {
        return backend;
    }

    // ---- 8-byte words ------------------------------------------------------------------

    /** @param offset 8-byte aligned @return the word, plain read */
    public long getLong(long offset) {
        return (long) LONG.get(segment, checkWord(offset, 8));
    }

    /** @param offset 8-byte aligned @return the word, read with acquire ordering */
    public long getLongAcquire(long offset) {
        return (long) LONG.getAcquire(segment, checkWord(offset, 8));
    }

    /** @param offset 8-byte aligned @return the word, read with volatile ordering */
    public long getLongVolatile(long offset) {
        return (long) LONG.getVolatile(segment, checkWord(offset, 8));
    }

    /** @param offset 8-byte aligned @param value stored plainly */
    public void setLong(long offset, long value) {
        LONG.set(segment, storeWord(offset, 8), value);
        stored(offset, 8);
    }

    /** @param offset 8-byte aligned @param value stored with release ordering */
    public void setLongRelease(long offset, long value) {
        LONG.setRelease(segment, storeWord(offset, 8), value);
        stored(offset, 8);
    }

    /** @param offset 8-byte aligned @param value stored with volatile ordering */
    public void setLongVolatile(long offset, long value) {
        LONG.setVolatile(segment, storeWord(offset, 8), value);
        stored(offset, 8);
    }

    /**
     * Atomic compare-and-set, across processes.
     *
     * @param offset   8-byte aligned
     * @param expected the value the word must hold
     * @param value    the new value
     * @return whether the word held {@code expected} and now holds {@code value}
     */
    public boolean compareAndSetLong(long offset, long expected, long value) {
        boolean done = LONG.compareAndSet(segment, storeWord(offset, 8), expected, value);
        if (done) {
            stored(offset, 8);
        }
        return done;
    }

    /** @param offset 8-byte aligned @param delta added atomically @return the previous value */
    public long getAndAddLong(long offset, long delta) {
        long old = (long) LONG.getAndAdd(segment, storeWord(offset, 8), delta);
        stored(offset, 8);
        return old;
    }

    /** @param offset 8-byte aligned @param mask or-ed atomically @return the previous value */
    public long getAndBitwiseOrLong(long offset, long mask) {
        long old = (long) LONG.getAndBitwiseOr(segment, storeWord(offset, 8), mask);
        stored(offset, 8);
        return old;
    }

    /** @param offset 8-byte aligned @param mask and-ed atomically @return the previous value */
    public long getAndBitwiseAndLong(long offset, long mask) {
        long old = (long) LONG.getAndBitwiseAnd(segment, storeWord(offset, 8), mask);
        stored(offset, 8);
        return old;
    }

    // ---- 4-byte words ------------------------------------------------------------------

    /** @param offset 4-byte aligned @return the word, plain read */
    public int getInt(long offset) {
        return (int) INT.get(segment, checkWord(offset, 4));
    }

    /** @param offset 4-byte aligned @return the word, read with acquire ordering */
    public int getIntAcquire(long offset) {
        return (int) INT.getAcquire(segment, checkWord(offset, 4));
    }

    /** @param offset 4-byte aligned @return the word, read with volatile ordering */
    public int getIntVolatile(long offset) {
        return (int) INT.getVolatile(segment, checkWord(offset, 4));
    }

    /** @param offset 4-byte aligned @param value stored plainly */
    public void setInt(long offset, int value) {
        INT.set(segment, storeWord(offset, 4), value);
        stored(offset, 4);
    }

    /** @param offset 4-byte aligned @param value stored with release ordering */
    public void setIntRelease(long offset, int value) {
        INT.setRelease(segment, storeWord(offset, 4), value);
        stored(offset, 4);
    }

    /** @param offset 4-byte aligned @param value stored with volatile ordering */
    public void setIntVolatile(long offset, int value) {
        INT.setVolatile(segment, storeWord(offset, 4), value);
        stored(offset, 4);
    }

    /**
     * Atomic compare-and-set of a 4-byte word, across processes.
     *
     * @param offset   4-byte aligned
     * @param expected the value the word must hold
     * @param value    the new value
     * @return whether the swap happened
     */
    public boolean compareAndSetInt(long offset, int expected, int value) {
        boolean done = INT.compareAndSet(segment, storeWord(offset, 4), expected, value);
        if (done) {
            stored(offset, 4);
        }
        return done;
    }

    /** @param offset 4-byte aligned @param delta added atomically @return the previous value */
    public int getAndAddInt(long offset, int delta) {
        int old = (int) INT.getAndAdd(segment, storeWord(offset, 4), delta);
        stored(offset, 4);
        return old;
    }

    // ---- bytes and bulk ----------------------------------------------------------------

    /** @param offset any @return the byte */
    public byte getByte(long offset) {
        return segment.get(ValueLayout.JAVA_BYTE, checkRange(offset, 1));
    }

    /** @param offset any @param value stored plainly */
    public void setByte(long offset, byte value) {
        segment.set(ValueLayout.JAVA_BYTE, storeRange(offset, 1), value);
        stored(offset, 1);
    }

    /**
     * Copies bytes inside the pool (overlap allowed).
     *
     * @param from   source offset
     * @param to     destination offset
     * @param length bytes
     */
    public void copy(long from, long to, long length) {
        MemorySegment.copy(segment, checkRange(from, length), segment, storeRange(to, length), length);
        stored(to, length);
    }

    /**
     * Copies bytes from the pool into an array.
     *
     * @param offset pool offset
     * @param dst    destination
     * @param index  first index in {@code dst}
     * @param length bytes
     */
    public void read(long offset, byte[] dst, int index, int length) {
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, checkRange(offset, length), dst, index, length);
    }

    /**
     * Compares a pool range with a range of another segment, without copying.
     *
     * @param offset      pool offset
     * @param other       the other segment (heap or native)
     * @param otherOffset offset in {@code other}
     * @param length      bytes
     * @return whether the two ranges hold the same bytes
     */
    public boolean bytesEqual(long offset, MemorySegment other, long otherOffset, long length) {
        return MemorySegment.mismatch(segment, checkRange(offset, length), offset + length, other, otherOffset,
                otherOffset + length) < 0;
    }

    /**
     * Copies bytes from an array into the pool.
     *
     * @param src    source
     * @param index  first index in {@code src}
     * @param offset pool offset
     * @param length bytes
     */
    public void write(byte[] src, int index, long offset, int length) {
        MemorySegment.copy(src, index, segment, ValueLayout.JAVA_BYTE, storeRange(offset, length), length);
        stored(offset, length);
    }

    /**
     * Fills a range with one byte value.
     *
     * @param offset first byte
     * @param length bytes
     * @param value  the byte
     */
    public void fill(long offset, long length, byte value) {
        segment.asSlice(storeRange(offset, length), length).fill(value);
        stored(offset, length);
    }

    /**
     * A read-only view of a range, for comparisons and checksums without copying. Writes
     * must go through this class so that the simulator sees them.
     *
     * @param offset first byte
     * @param length bytes
     * @return the read-only view
     */
    public MemorySegment readOnlySlice(long offset, long length) {
        return segment.asSlice(checkRange(offset, length), length).asReadOnly();
    }

    /**
     * A writable view of a range for a raw region that its user writes directly (stores
     * through it bypass the simulator's recording: use it only on real back ends, and call
     * {@link #flush} for what must be durable).
     *
     * @param offset first byte
     * @param length bytes
     * @return the writable view
     */
    public MemorySegment writableSlice(long offset, long length) {
        return segment.asSlice(storeRange(offset, length), length);
    }

    /**
     * Tells the back end that a range was written through a {@link #writableSlice} view (the
     * power-loss simulator records stores only through this class otherwise). Call it before
     * flushing such a range.
     *
     * @param offset first byte
     * @param length bytes
     */
    public void storedThroughView(long offset, long length) {
        storeRange(offset, length);
        if (observer != null) {
            observer.stored(offset, length);
        }
    }

    /**
     * The pool offset of a view made by {@link #writableSlice} or {@link #readOnlySlice}.
     *
     * @param view a view of this pool's bytes
     * @return its first byte's pool offset
     * @throws IllegalArgumentException if it is not a view of this pool
     */
    public long offsetOf(MemorySegment view) {
        long offset = view.address() - segment.address();
        if (offset < 0 || offset + view.byteSize() > size || !view.isNative() || !segment.isNative()) {
            throw new IllegalArgumentException("the segment is not a view of this pool's memory");
        }
        return offset;
    }

    // ---- persistence -------------------------------------------------------------------

    /**
     * Starts making {@code [offset, offset + length)} durable. Guaranteed durable after the
     * next {@link #drain()} by this thread. No effect on {@link BackendKind#SHM}.
     *
     * @param offset first byte
     * @param length bytes
     */
    public void flush(long offset, long length) {
        storeRange(offset, length);
        if (observer != null) {
            observer.beforePersistencePoint();
        }
        backend.flush(offset, length);
    }

    /** Waits until everything flushed so far is durable (the store fence of the PM model). */
    public void drain() {
        if (readOnly) {
            throw readOnlyStore(0, 0);
        }
        if (observer != null) {
            observer.beforePersistencePoint();
        }
        backend.drain();
    }

    /**
     * {@link #flush} then {@link #drain}.
     *
     * @param offset first byte
     * @param length bytes
     */
    public void persist(long offset, long length) {
        flush(offset, length);
        drain();
    }

    // ---- futex -------------------------------------------------------------------------

    /**
     * Sleeps while the 4-byte word at {@code offset} holds {@code expected}; woken by
     * {@link #futexWake} on the same word from any process mapping the pool.
     *
     * @param offset   4-byte aligned
     * @param expected the value to sleep on
     * @param timeout  longest wait, or {@code null} for none
     * @return why the wait ended
     */
    public FutexResult futexWait(long offset, int expected, Duration timeout) {
        return NativeCalls.futexWait(segment.address() + checkWord(offset, 4), expected, timeout);
    }

    /**
     * Wakes sleepers on the 4-byte word at {@code offset}, in every process.
     *
     * @param offset 4-byte aligned
     * @param count  how many at most ({@link Integer#MAX_VALUE} for all)
     * @return how many were woken
     */
    public int futexWake(long offset, int count) {
        return NativeCalls.futexWake(segment.address() + checkWord(offset, 4), count);
    }

    // ---- checks ------------------------------------------------------------------------

    /**
     * Validates that {@code [offset, offset + length)} lies inside the pool.
     *
     * @param offset first byte
     * @param length bytes, non-negative
     * @return {@code offset}
     * @throws PoolCorruptedException if it does not
     */
    public long checkRange(long offset, long length) {
        if (offset < 0 || length < 0 || offset > size - length) {
            throw PoolCorruptedException.badAccess(offset, length, 1, size);
        }
        return offset;
    }

    private long checkWord(long offset, int bytes) {
        if (offset < 0 || offset > size - bytes || (offset & (bytes - 1)) != 0) {
            throw PoolCorruptedException.badAccess(offset, bytes, bytes, size);
        }
        return offset;
    }

    private long storeWord(long offset, int bytes) {
        if (readOnly) {
            throw readOnlyStore(offset, bytes);
        }
        return checkWord(offset, bytes);
    }

    private long storeRange(long offset, long length) {
        if (readOnly) {
            throw readOnlyStore(offset, length);
        }
        return checkRange(offset, length);
    }

    private static PoolException readOnlyStore(long offset, long length) {
        return new PoolException("the pool is mapped read-only (opened read-only): a write of " + length
                + " bytes at offset " + offset + " was refused");
    }

    private void stored(long offset, long length) {
        if (observer != null) {
            observer.stored(offset, length);
        }
    }
}
