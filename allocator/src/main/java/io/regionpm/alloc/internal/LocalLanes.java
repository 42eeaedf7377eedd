package io.regionpm.alloc.internal;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lanes held by open heaps of this JVM, per storage. A lane whose owner token is this
 * process's own is alive only if it is listed here: otherwise it was left by a heap of this
 * JVM that was abandoned without closing (or it comes from a crash image) and may be
 * recovered like a dead process's lane.
 *
 * <p>Thread-safety: safe.
 */
public final class LocalLanes {
    private static final Map<Object, Set<Integer>> HELD = new ConcurrentHashMap<>();

    private LocalLanes() {
    }

    /**
     * @param storage the storage identity
     * @param lane    lane index
     * @return true if this call now holds the lane locally (false: another heap does)
     */
    public static boolean hold(Object storage, int lane) {
        return HELD.computeIfAbsent(storage, k -> ConcurrentHashMap.newKeySet()).add(lane);
    }

    /** @param storage the storage identity @param lane lane index to let go */
    public static void release(Object storage, int lane) {
        Set<Integer> lanes = HELD.get(storage);
        if (lanes != null) {
            lanes.remove(lane);
        }
    }
}
