package io.regionpm.recovery.check;

import java.util.ArrayList;
import java.util.List;

/**
 * The problems a check found, one readable message each (naming the superblock, lane, root
 * or record concerned). Plugged-in checks ({@link PoolChecker#addCheck}) report through it.
 * Every problem is counted; the first {@value #MAX_LISTED} are kept, so that a thoroughly
 * damaged pool cannot exhaust the Java heap.
 *
 * <p>Thread-safety: not thread-safe; used on the checking thread only.
 */
public final class Problems {
    /** How many messages are kept. */
    public static final int MAX_LISTED = 10_000;
    private final List<String> listed = new ArrayList<>();
    private long count;

    /** An empty collection of problems. */
    public Problems() {
        // nothing yet
    }

    /** @param message one problem */
    public void add(String message) {
        count++;
        if (listed.size() < MAX_LISTED) {
            listed.add(message);
        }
    }

    /** @return how many problems were reported */
    public long count() {
        return count;
    }

    /** @return the kept messages, in the order reported (an unmodifiable copy) */
    public List<String> listed() {
        return List.copyOf(listed);
    }
}
