package io.regionpm.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;
import java.util.function.Supplier;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.core.spi.CollectionType;
import io.regionpm.core.spi.CollectionTypes;
import io.regionpm.recovery.PoolRuntime;
import io.regionpm.recovery.RobustMutex;
import io.regionpm.recovery.Transaction;
import io.regionpm.recovery.check.CheckRoot;

/**
 * The pool's root directory: named collections as a linked list of {@link DirectoryEntry}
 * blocks whose head is root slot 0, changed only in transactions under the directory mutex
 * (root slots 1-2). Creating an entry publishes it with one redo-logged head store; dropping
 * marks it DROPPING, then frees the collection in bounded transactions through its
 * {@link CollectionType}, then unlinks and frees the entry, so a crash at any point leaves no
 * leak and the drop is finished by the next process that knows the type.
 *
 * <p>Thread- and process-safety: every operation runs in a transaction that holds the
 * directory mutex. On a read-only runtime ({@link PoolRuntime#isReadOnly()}), which can take
 * neither, {@link #names}, {@link #checkRoots} and {@link #findUnlocked} walk the list
 * without them, reading each link with acquire ordering: entries are written in full and
 * checksummed before they are linked, so a walk sees every entry whose creation completed
 * before it began; an entry that a concurrent drop frees and the allocator reuses fails its
 * checksum, and the walk starts over (at most {@link #UNLOCKED_ATTEMPTS} times). Heap use:
 * one entry at a time (the directory is walked, not cached).
 */
public final class RootDirectory {
    /** Root slot of the directory's head. */
    public static final int HEAD_SLOT = 0;
    /** First root slot of the directory mutex (it takes two). */
    public static final int MUTEX_SLOT = 1;
    private static final int DROP_BUDGET = 256;
    /** How often a walk without the mutex starts over after reading a freed entry. */
    static final int UNLOCKED_ATTEMPTS = 64;

    private final PoolRuntime rt;
    private final PersistentMemory pm;
    private final long head;
    private final RobustMutex mutex;

    /** @param rt the pool's runtime */
    public RootDirectory(PoolRuntime rt) {
        this.rt = rt;
        this.pm = rt.memory();
        this.head = rt.root().slot(HEAD_SLOT);
        this.mutex = new RobustMutex(pm, rt.root().slot(MUTEX_SLOT), rt.registry());
    }

    private interface EntryVisitor {
        /** @return true to stop */
        boolean visit(DirectoryEntry entry, long state, long previousNextSlot);
    }

    /** Walks the directory inside {@code tx} (which holds the mutex), with a cycle guard. */
    private void walk(Transaction tx, EntryVisitor visitor) {
        walk(tx::getLong, visitor);
    }

    /** Walks the directory reading words through {@code word}, with a cycle guard. */
    private void walk(LongUnaryOperator word, EntryVisitor visitor) {
        long slot = head;
        long limit = rt.geometry().dataBytes() / 16;
        for (long at = word.applyAsLong(slot), n = 0; at != 0; at = word.applyAsLong(slot), n++) {
            if (n > limit) {
                throw new PoolCorruptedException("the root directory has a cycle");
            }
            DirectoryEntry e = DirectoryEntry.read(pm, at, rt.heap().usableSize(at));
            if (visitor.visit(e, word.applyAsLong(at + DirectoryEntry.STATE), slot)) {
                return;
            }
            slot = at + DirectoryEntry.NEXT;
        }
    }

    /**
     * Runs a walk without the mutex (read-only runtimes), starting over when it read an entry
     * that a concurrent drop freed (and the allocator reused) meanwhile.
     */
    private <T> T unlocked(Supplier<T> walk) {
        for (int attempt = 1; ; attempt++) {
            try {
                return walk.get();
            } catch (PoolCorruptedException e) {
                if (attempt >= UNLOCKED_ATTEMPTS) {
                    throw e;
                }
                Thread.onSpinWait();
            }
        }
    }

    private List<String> liveNames(LongUnaryOperator word) {
        List<String> names = new ArrayList<>();
        walk(word, (e, state, prev) -> {
            if (state == DirectoryEntry.LIVE) {
                names.add(e.name());
            }
            return false;
        });
        return names;
    }

    private Transaction locked() {
        Transaction tx = rt.current();
        tx.lock(mutex);
        return tx;
    }

    /**
     * @return the names of live entries (in a transaction of their own; on a read-only
     *         runtime, walked without the mutex)
     */
    public List<String> names() {
        if (rt.isReadOnly()) {
            return unlocked(() -> liveNames(pm::getLongAcquire));
        }
        return rt.transaction(() -> {
            Transaction tx = locked();
            return liveNames(tx::getLong);
        });
    }

    /**
     * Finds a live entry without a transaction or the mutex (for read-only runtimes; see the
     * class comment).
     *
     * @param name a name
     * @return its live entry, or null
     */
    public DirectoryEntry findUnlocked(String name) {
        return unlocked(() -> {
            DirectoryEntry[] found = {null};
            walk(pm::getLongAcquire, (e, state, prev) -> {
                if (state == DirectoryEntry.LIVE && e.name().equals(name)) {
                    found[0] = e;
                    return true;
                }
                return false;
            });
            return found[0];
        });
    }

    /** @param name a name @return its live entry, or null (in the caller's transaction) */
    public DirectoryEntry find(String name) {
        DirectoryEntry[] found = {null};
        walk(locked(), (e, state, prev) -> {
            if (state == DirectoryEntry.LIVE && e.name().equals(name)) {
                found[0] = e;
                return true;
            }
            return false;
        });
        return found[0];
    }

    /**
     * Creates a live entry (in the caller's transaction, holding the mutex): a new block,
     * published by the head store at commit.
     */
    public DirectoryEntry create(String name, String type, String keyCodec, String valueCodec, UpdateStrategy strategy) {
        Transaction tx = locked();
        long bytes = DirectoryEntry.bytesFor(name, type, keyCodec, valueCodec);
        long block = tx.allocate(bytes);
        DirectoryEntry e = DirectoryEntry.write(pm, block, tx.getLong(head), name, type, keyCodec, valueCodec, strategy);
        tx.setLong(head, block);
        return e;
    }

    /**
     * Marks a live entry DROPPING (in a transaction of its own), then frees it.
     *
     * @param name the name
     * @return whether there was such an entry
     */
    public boolean drop(String name) {
        DirectoryEntry e = rt.transaction(() -> {
            DirectoryEntry found = find(name);
            if (found != null) {
                rt.current().setLong(found.at() + DirectoryEntry.STATE, DirectoryEntry.DROPPING);
            }
            return found;
        });
        if (e != null) {
            finishDrop(e);
        }
        return e != null;
    }

    /**
     * The checker roots of every entry, live or being dropped (a dropping collection's blocks
     * are still allocated until its drop finishes).
     *
     * @return one root per entry, named after it and typed with its collection type (on a
     *         read-only runtime, walked without the mutex)
     */
    public List<CheckRoot> checkRoots() {
        if (rt.isReadOnly()) {
            return unlocked(() -> checkRoots(pm::getLongAcquire));
        }
        return rt.transaction(() -> {
            Transaction tx = locked();
            return checkRoots(tx::getLong);
        });
    }

    private List<CheckRoot> checkRoots(LongUnaryOperator word) {
        List<CheckRoot> roots = new ArrayList<>();
        walk(word, (e, state, prev) -> {
            roots.add(new CheckRoot(e.name() + (state == DirectoryEntry.DROPPING ? " (dropping)" : ""), e.type(),
                    e.rootSlot()));
            return false;
        });
        return roots;
    }

    /** Finishes every interrupted drop whose type this JVM knows. */
    public void finishDrops() {
        List<DirectoryEntry> dropping = rt.transaction(() -> {
            List<DirectoryEntry> list = new ArrayList<>();
            walk(locked(), (e, state, prev) -> {
                if (state == DirectoryEntry.DROPPING) {
                    list.add(e);
                }
                return false;
            });
            return list;
        });
        dropping.forEach(this::finishDrop);
    }

    private void finishDrop(DirectoryEntry e) {
        CollectionType type = CollectionTypes.find(e.type()).orElse(null);
        if (type == null) {
            return;
        }
        boolean done = false;
        while (!done) {
            done = rt.transaction(() -> {
                Transaction tx = locked();
                if (tx.getLong(e.at() + DirectoryEntry.STATE) != DirectoryEntry.DROPPING) {
                    return true;
                }
                if (!type.destroySome(tx, e.rootSlot(), DROP_BUDGET)) {
                    return false;
                }
                unlink(tx, e.at());
                tx.free(e.at());
                return true;
            });
        }
    }

    private void unlink(Transaction tx, long entry) {
        walk(tx, (e, state, previousNextSlot) -> {
            if (e.at() == entry) {
                tx.setLong(previousNextSlot, tx.getLong(entry + DirectoryEntry.NEXT));
                return true;
            }
            return false;
        });
    }
}
