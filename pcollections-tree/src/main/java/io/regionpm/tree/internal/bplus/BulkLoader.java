package io.regionpm.tree.internal.bplus;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.core.Codec;
import io.regionpm.core.spi.OutOfLineValues;
import io.regionpm.recovery.Registration;
import io.regionpm.recovery.Transaction;

/**
 * Bulk loading of an empty B+tree from sorted entries: leaves are packed full on the heap and
 * appended, a batch of {@link #LEAVES_PER_BATCH} per transaction, to a staging tree that the
 * header's staging word keeps reachable (so a crash leaves it to be freed, never leaked, and
 * no transaction outgrows a lane's log); inner nodes are filled as the spine grows. At the
 * end the right spine's underfull nodes are merged or balanced with their left siblings, and
 * one transaction publishes the staging tree as the tree (root, count and height together).
 * Unsorted input, a refused key or any failure discards the staging tree: nothing changed.
 *
 * <p>Thread-safety: one load at a time per tree: the header records the loading process's
 * registration (entry and generation) for the whole load, and a second load while that
 * registration lives is refused; each batch holds the tree's lock. A staging tree whose
 * loader died is freed by the next load, or when the tree is next opened read-write
 * ({@link #discardAbandoned}); until then the checker counts it as reachable.
 *
 * @param <K> keys
 * @param <V> values
 */
final class BulkLoader<K, V> {
    static final int LEAVES_PER_BATCH = 64;

    private final BPlusEngine<K, V> engine;
    private final NodeStore store;
    private final TreeWriter writer;
    private final WriteContext c;
    private final long header;
    private final TreeWriter.Target staging;
    private final Codec<K> keyCodec;
    private final Codec<V> valueCodec;
    private final int nodeBytes;
    private final int maxKey;
    private final int maxInlineEntry;
    private final KeyProbe first = new KeyProbe();
    private byte[] arena;
    private MemorySegment arenaSegment;
    private int used;
    private byte[] previous = new byte[0];
    private boolean hasPrevious;
    private long loaded;
    private int leafBytes = Node.HEADER;
    private final java.util.List<V> outOfLine = new java.util.ArrayList<>();
    private final org.eclipse.collections.api.list.primitive.MutableIntList outOfLineAt =
            new org.eclipse.collections.impl.list.mutable.primitive.IntArrayList();

    BulkLoader(BPlusEngine<K, V> engine) {
        this.engine = engine;
        this.store = engine.store();
        this.writer = engine.writer();
        this.c = engine.context();
        this.header = engine.header();
        this.staging = new TreeWriter.Target(header + TreeHeader.STAGING_AT, header + TreeHeader.STAGING_COUNT_AT, 0,
                TreeWriter.Mode.LOGGED_IN_PLACE);
        this.keyCodec = engine.keyCodec();
        this.valueCodec = engine.valueCodec();
        this.nodeBytes = engine.nodeBytes();
        this.maxKey = BPlusEngine.maxKey(nodeBytes);
        this.maxInlineEntry = (nodeBytes - Node.HEADER) / 4;
        this.arena = new byte[2 * nodeBytes];
        this.arenaSegment = MemorySegment.ofArray(arena);
    }

    void load(Iterator<? extends Map.Entry<? extends K, ? extends V>> sorted) {
        Objects.requireNonNull(sorted, "sorted");
        engine.locked(() -> {
            checkEmpty();
            claim();
            return null;
        });
        discard();
        try {
            boolean more = true;
            while (more) {
                more = engine.locked(() -> batch(sorted));
            }
            while (engine.locked(() -> writer.fixRightSpine(engine.runtime().current(), staging, c))) {
                // one level per transaction
            }
            engine.locked(this::publish);
        } catch (RuntimeException | Error e) {
            try {
                discard();
                engine.locked(this::release);
            } catch (RuntimeException | Error suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void checkEmpty() {
        Transaction tx = engine.runtime().current();
        if (tx.getLong(header + TreeHeader.ROOT_AT) != 0 || tx.getLong(header + TreeHeader.COUNT_AT) != 0) {
            throw new IllegalStateException("bulkLoad needs an empty B+tree; this one has "
                    + tx.getLong(header + TreeHeader.COUNT_AT) + " entries");
        }
    }

    /**
     * Records this process as the tree's bulk loader (in the caller's transaction).
     *
     * @throws IllegalStateException if a live process (another, or another thread of this one)
     *                               is loading the tree
     */
    private void claim() {
        Transaction tx = engine.runtime().current();
        if (loaderAlive(tx)) {
            throw new IllegalStateException("another bulk load of this B+tree is in progress");
        }
        Registration me = engine.runtime().registration();
        tx.setLong(header + TreeHeader.LOADER_AT, me.entry() + 1L);
        tx.setLong(header + TreeHeader.LOADER_GENERATION_AT, me.generation());
    }

    /** @return whether the recorded loader (if any) is a live registration */
    private boolean loaderAlive(Transaction tx) {
        long entry = tx.getLong(header + TreeHeader.LOADER_AT);
        if (entry == 0) {
            return false;
        }
        if (entry < 0 || entry > engine.runtime().registry().entries()) {
            throw new io.regionpm.alloc.PoolCorruptedException("B+tree header at " + header + ": bulk loader entry "
                    + (entry - 1) + " outside the registry");
        }
        return engine.runtime().registry().isAlive((int) entry - 1, tx.getLong(header + TreeHeader.LOADER_GENERATION_AT));
    }

    /** Clears the loader record (in the caller's transaction). */
    private Void release() {
        Transaction tx = engine.runtime().current();
        if (tx.getLong(header + TreeHeader.LOADER_AT) != 0) {
            tx.setLong(header + TreeHeader.LOADER_AT, 0);
            tx.setLong(header + TreeHeader.LOADER_GENERATION_AT, 0);
        }
        return null;
    }

    /**
     * Frees the staging tree of a bulk load whose process died (called when a tree is opened
     * read-write): nothing happens while the loader lives, or when there is no staging tree.
     */
    void discardAbandoned() {
        PersistentMemory pm = engine.runtime().memory();
        if (pm.getLongAcquire(staging.rootWord()) == 0 && pm.getLongAcquire(header + TreeHeader.LOADER_AT) == 0) {
            return;
        }
        boolean abandoned = engine.locked(() -> !loaderAlive(engine.runtime().current()));
        if (abandoned) {
            discard();
            engine.locked(this::release);
        }
    }

    /**
     * Frees a staging tree (this load's, or one an earlier load left), a batch per transaction.
     * Garbage already being freed (a cleared tree's nodes, which readers may still walk) is
     * finished first in the tree's own mode (retired, for SHADOW); the staging tree, which no
     * reader ever saw, is then freed at once rather than retired. After a crash in between,
     * what is left is finished in the tree's mode: later, never unsafe.
     */
    private void discard() {
        boolean[] stagingDetached = {false};
        boolean done = false;
        while (!done) {
            done = engine.locked(() -> {
                Transaction tx = engine.runtime().current();
                TreeWriter.Mode mode = stagingDetached[0] ? TreeWriter.Mode.LOGGED_IN_PLACE : engine.garbageMode();
                if (!TreeDestroyer.destroySome(tx, store, header, mode, TreeDestroyer.BATCH, c.fresh)) {
                    return false;
                }
                long root = tx.getLong(staging.rootWord());
                if (root == 0) {
                    return true;
                }
                TreeDestroyer.detach(tx, header, root);
                tx.setLong(staging.rootWord(), 0);
                tx.setLong(staging.countWord(), 0);
                stagingDetached[0] = true;
                return false;
            });
        }
    }

    /** Builds up to a batch of leaves in the current transaction; false once the input is exhausted and flushed. */
    private boolean batch(Iterator<? extends Map.Entry<? extends K, ? extends V>> sorted) {
        Transaction tx = engine.runtime().current();
        for (int leaves = 0; leaves < LEAVES_PER_BATCH; ) {
            if (!sorted.hasNext()) {
                if (c.builder.size() > 0) {
                    emitLeaf(tx);
                }
                return false;
            }
            Map.Entry<? extends K, ? extends V> e = sorted.next();
            if (!add(Objects.requireNonNull(e.getKey(), "key"), Objects.requireNonNull(e.getValue(), "value"))) {
                emitLeaf(tx);
                leaves++;
                if (!add(e.getKey(), e.getValue())) {
                    throw new IllegalStateException("an entry does not fit an empty B+tree leaf");
                }
            }
        }
        return true;
    }

    /** Adds an entry to the leaf being packed; false (nothing added) if the leaf is full. */
    private boolean add(K key, V value) {
        NodeBuilder b = c.builder;
        int k = keyCodec.encodedSize(key);
        if (k > maxKey) {
            throw new IllegalArgumentException("a key of " + k + " encoded bytes is larger than this B+tree's limit of "
                    + maxKey + " bytes");
        }
        int v = valueCodec.encodedSize(value);
        boolean inline = Node.SLOT + Node.cellBytes(k, v) <= maxInlineEntry;
        int field = inline ? v : Node.OUT_OF_LINE;
        if (leafBytes + Node.SLOT + Node.cellBytes(k, field) > nodeBytes) {
            return false;
        }
        ensureArena(k + (inline ? v : 0));
        keyCodec.encode(key, arenaSegment, used);
        checkAscending(used, k);
        if (inline) {
            valueCodec.encode(value, arenaSegment, used + k);
            b.add(arenaSegment, used, k, arenaSegment, used + k, v);
        } else {
            outOfLineAt.add(b.size());
            outOfLine.add(value);
            b.addKeyWithPointer(arenaSegment, used, k, Node.OUT_OF_LINE, 0);
        }
        used += k + (inline ? v : 0);
        leafBytes += Node.SLOT + Node.cellBytes(k, field);
        return true;
    }

    private void ensureArena(int more) {
        if (used + more > arena.length) {
            if (c.builder.size() > 0 && used > 0) {
                throw new IllegalStateException("bulk load arena overflow"); // cannot happen: entries of a leaf fit a node
            }
            arena = new byte[Math.max(2 * arena.length, used + more)];
            arenaSegment = MemorySegment.ofArray(arena);
        }
    }

    private void checkAscending(int at, int k) {
        if (hasPrevious && Arrays.compareUnsigned(previous, 0, previous.length, arena, at, at + k) >= 0) {
            throw new IllegalArgumentException("bulkLoad needs keys in strictly ascending order; entry " + loaded
                    + " is not above the one before");
        }
        if (previous.length != k) {
            previous = new byte[k];
        }
        System.arraycopy(arena, at, previous, 0, k);
        hasPrevious = true;
        loaded++;
    }

    private void emitLeaf(Transaction tx) {
        NodeBuilder b = c.builder;
        int entries = b.size();
        for (int i = 0; i < outOfLine.size(); i++) {
            b.setPointer(outOfLineAt.get(i), OutOfLineValues.store(tx, valueCodec, outOfLine.get(i)));
        }
        outOfLine.clear();
        outOfLineAt.clear();
        b.copyKey(0, first);
        b.pack(0, 0, NodeBuilder.Split.FILL);
        long leaf = store.writeNew(tx, b.outSegment(0), b.out(0));
        c.fresh.add(leaf);
        writer.appendChild(tx, staging, c, leaf, first);
        tx.setLong(staging.countWord(), tx.getLong(staging.countWord()) + entries);
        b.reset();
        used = 0;
        leafBytes = Node.HEADER;
    }

    private Void publish() {
        Transaction tx = engine.runtime().current();
        checkEmpty();
        long root = tx.getLong(staging.rootWord());
        tx.setLong(header + TreeHeader.ROOT_AT, root);
        tx.setLong(header + TreeHeader.COUNT_AT, tx.getLong(staging.countWord()));
        tx.setLong(header + TreeHeader.HEIGHT_AT, root == 0 ? 0 : Node.level(store.memory(), root) + 1);
        tx.setLong(staging.rootWord(), 0);
        tx.setLong(staging.countWord(), 0);
        return release();
    }
}
