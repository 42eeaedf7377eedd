package io.regionpm.alloc.sim;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import org.eclipse.collections.api.set.primitive.MutableLongSet;
import org.eclipse.collections.impl.map.mutable.primitive.LongLongHashMap;
import org.eclipse.collections.impl.set.mutable.primitive.LongHashSet;

import io.regionpm.alloc.BackendKind;
import io.regionpm.alloc.PersistenceBackend;
import io.regionpm.alloc.PersistentMemory;

/**
 * The power-loss simulator: a persistent-memory back end that keeps a durable image apart
 * from the working bytes and records every 8-byte word stored since it was last made
 * durable. A crash image keeps the durable image plus any subset of those pending words
 * (chosen from a seed), which is exactly what the PM model allows: stores reach media in
 * any order, 8 bytes at a time, unless a flush and a drain forced them.
 *
 * <p>{@link #crashAtPoint(long)} makes the N-th persistence point (flush or drain) throw
 * {@link SimulatedPowerLoss} before it takes effect, so tests can stop an operation at every
 * point and check recovery from each image.
 *
 * <p>When several threads share the memory, the crash freezes it: the values of the pending
 * words are captured at that instant, later stores are ignored and every later persistence
 * point, in any thread, throws {@link SimulatedPowerLoss} too. Crash images are then made
 * from the frozen state.
 *
 * <p>Thread-safety: safe for concurrent use (every store is recorded under a lock); meant
 * for tests, not speed. Process-safety: the bytes live in this JVM only.
 */
public final class SimulatedMemory implements PersistenceBackend, AutoCloseable {
    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG;

    private final Arena arena;
    private final MemorySegment working;
    private final MemorySegment durable;
    private final PersistentMemory memory;
    private final MutableLongSet dirty = new LongHashSet();
    private final LongLongHashMap flushed = new LongLongHashMap();
    private long points;
    private long crashAt = Long.MAX_VALUE;
    private LongLongHashMap frozen;

    private SimulatedMemory(long size) {
        if (size <= 0 || (size & 7) != 0) {
            throw new IllegalArgumentException("size must be a positive multiple of 8: " + size);
        }
        this.arena = Arena.ofShared();
        this.working = arena.allocate(size, 4096);
        this.durable = arena.allocate(size, 4096);
        this.memory = PersistentMemory.of(working, this);
    }

    /**
     * A zeroed simulated memory, durable as zeroes.
     *
     * @param size bytes, a multiple of 8
     * @return the simulator
     */
    public static SimulatedMemory create(long size) {
        return new SimulatedMemory(size);
    }

    /** @return the persistent memory whose stores this simulator records */
    public PersistentMemory memory() {
        return memory;
    }

    /**
     * Arms a crash: the {@code point}-th persistence point from now on counted from the
     * start (1-based) throws {@link SimulatedPowerLoss} instead of taking effect.
     *
     * @param point 1-based index of the flush or drain that fails
     */
    public synchronized void crashAtPoint(long point) {
        this.crashAt = point;
    }

    /** @return how many persistence points (flushes and drains) have been passed */
    public synchronized long persistencePoints() {
        return points;
    }

    /** @return how many 8-byte words are stored but not yet durable */
    public synchronized int pendingWords() {
        LongHashSet all = new LongHashSet(dirty);
        all.addAll(flushed.keysView());
        return all.size();
    }

    /**
     * A crash image: the durable bytes plus, for each pending word, a value chosen at
     * random among those it may hold after power loss (old durable, flushed, latest).
     *
     * @param random the source of choices (seeded by the test)
     * @return a new simulator holding the image as both working and durable bytes
     */
    public synchronized SimulatedMemory crashImage(Random random) {
        return image(random, false);
    }

    /** @return a crash image in which no pending word reached media */
    public synchronized SimulatedMemory crashImageDurableOnly() {
        return image(null, false);
    }

    /** @return a crash image in which every pending word reached media (a process crash) */
    public synchronized SimulatedMemory crashImageEverything() {
        return image(null, true);
    }

    /** @return whether the armed crash happened */
    public synchronized boolean crashed() {
        return frozen != null;
    }

    private SimulatedMemory image(Random random, boolean everything) {
        SimulatedMemory copy = new SimulatedMemory(working.byteSize());
        copy.working.copyFrom(durable);
        LongHashSet pending = new LongHashSet(dirty);
        pending.addAll(flushed.keysView());
        pending.forEach(word -> {
            long at = word << 3;
            long value;
            if (everything) {
                value = latest(word);
            } else if (random == null) {
                value = durable.get(WORD, at);
            } else {
                value = pick(random, word, at);
            }
            copy.working.set(WORD, at, value);
        });
        copy.durable.copyFrom(copy.working);
        return copy;
    }

    private long pick(Random random, long word, long at) {
        int choice = random.nextInt(flushed.containsKey(word) ? 3 : 2);
        return switch (choice) {
            case 0 -> durable.get(WORD, at);
            case 1 -> latest(word);
            default -> flushed.get(word);
        };
    }

    private long latest(long word) {
        return frozen != null ? frozen.get(word) : working.get(WORD, word << 3);
    }

    @Override
    public BackendKind kind() {
        return BackendKind.SIMULATED;
    }

    @Override
    public boolean observesStores() {
        return true;
    }

    @Override
    public synchronized void stored(long offset, long length) {
        if (frozen != null) {
            return;
        }
        for (long w = offset >>> 3, last = (offset + length - 1) >>> 3; w <= last; w++) {
            dirty.add(w);
        }
    }

    @Override
    public synchronized void beforePersistencePoint() {
        if (frozen != null) {
            throw new SimulatedPowerLoss(points);
        }
        points++;
        if (points == crashAt) {
            frozen = new LongLongHashMap();
            dirty.forEach(word -> frozen.put(word, working.get(WORD, word << 3)));
            flushed.forEachKey(word -> frozen.put(word, working.get(WORD, word << 3)));
            throw new SimulatedPowerLoss(points);
        }
    }

    @Override
    public synchronized void flush(long offset, long length) {
        long first = offset >>> 3;
        long last = (offset + Math.max(length, 1) - 1) >>> 3;
        if (last - first + 1 > dirty.size()) {
            LongHashSet hit = new LongHashSet();
            dirty.forEach(w -> {
                if (w >= first && w <= last) {
                    hit.add(w);
                }
            });
            hit.forEach(this::moveToFlushed);
        } else {
            for (long w = first; w <= last; w++) {
                if (dirty.contains(w)) {
                    moveToFlushed(w);
                }
            }
        }
    }

    private void moveToFlushed(long word) {
        dirty.remove(word);
        flushed.put(word, working.get(WORD, word << 3));
    }

    @Override
    public synchronized void drain() {
        flushed.forEachKeyValue((word, value) -> durable.set(WORD, word << 3, value));
        flushed.clear();
    }

    @Override
    public Object storageIdentity() {
        return this;
    }

    /** Frees the simulated bytes; the memory must not be used afterwards. */
    @Override
    public void close() {
        arena.close();
    }
}
