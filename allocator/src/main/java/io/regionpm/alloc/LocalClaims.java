package io.regionpm.alloc;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which in-pool slots (lanes, process-registry entries, ...) the open objects of this JVM
 * hold, per storage and per table. A slot whose owner token is this process's own is alive
 * only if it is held here: otherwise an object of this JVM abandoned it without closing (or
 * it comes from a crash image), and it may be recovered like a dead process's slot.
 *
 * <p>Thread-safety: safe. Process-safety: describes this JVM only.
 */
public final class LocalClaims {
    private static final Map<Object, Set<Long>> HELD = new ConcurrentHashMap<>();

    private LocalClaims() {
    }

    /**
     * @param storage the storage key ({@link #storageKey})
     * @param table   which table, a small number chosen by the caller's module
     * @param index   the slot
     * @return true if this call now holds the slot (false: another object of this JVM does)
     */
    public static boolean hold(Object storage, int table, int index) {
        boolean[] added = {false};
        HELD.compute(storage, (k, held) -> {
            Set<Long> set = held != null ? held : ConcurrentHashMap.newKeySet();
            added[0] = set.add(key(table, index));
            return set;
        });
        return added[0];
    }

    /**
     * @param storage the storage identity
     * @param table   which table
     * @param index   the slot to let go
     */
    public static void release(Object storage, int table, int index) {
        HELD.computeIfPresent(storage, (k, held) -> {
            held.remove(key(table, index));
            return held.isEmpty() ? null : held; // a storage nobody holds is forgotten (no leak of its key)
        });
    }

    /**
     * @param storage the storage identity
     * @param table   which table
     * @param index   the slot
     * @return whether an object of this JVM holds it
     */
    public static boolean isHeld(Object storage, int table, int index) {
        Set<Long> held = HELD.get(storage);
        return held != null && held.contains(key(table, index));
    }

    /**
     * The key of a pool's storage for this class: the storage identity (the file's key) and
     * the pool's UUID from its header, so that a new pool that reuses a deleted file's inode
     * never inherits the holds of objects left open on the old one.
     *
     * @param pm the pool's memory
     * @return the key
     */
    public static Object storageKey(PersistentMemory pm) {
        long msb = pm.size() >= PoolHeader.UUID_LSB + 8 ? pm.getLong(PoolHeader.UUID_MSB) : 0;
        long lsb = pm.size() >= PoolHeader.UUID_LSB + 8 ? pm.getLong(PoolHeader.UUID_LSB) : 0;
        return List.of(pm.backend().storageIdentity(), msb, lsb);
    }

    private static long key(int table, int index) {
        return (long) table << 32 | (index & 0xFFFFFFFFL);
    }
}
