package io.regionpm.recovery.check;

import java.util.List;
import java.util.UUID;

import org.eclipse.collections.api.list.primitive.LongList;

/**
 * What a {@link PoolChecker#check} found: problems (structural damage, pending intents,
 * roots that could not be walked), leaked blocks (allocated but unreachable from every
 * root), dangling references (pointer words holding anything other than 0 or the start of an
 * allocated block), and occupancy figures.
 *
 * <p>Leaks are listed in full, ascending; problems and dangling references are counted in
 * full and listed up to {@value Problems#MAX_LISTED} and 2^20 respectively.
 *
 * <p>Thread-safety: immutable.
 */
public final class CheckReport {
    private static final int SHOWN = 20;
    private final UUID pool;
    private final List<String> problems;
    private final long problemCount;
    private final LongList leaks;
    private final long leakedBytes;
    private final LongList danglingSlots;
    private final LongList danglingTargets;
    private final long danglingCount;
    private final long allocatedBlocks;
    private final long allocatedBytes;
    private final long reachableBlocks;
    private final long reachableBytes;

    CheckReport(UUID pool, Problems problems, Reachability walk, LongList leaks, long leakedBytes,
                long allocatedBlocks, long allocatedBytes) {
        this.pool = pool;
        this.problems = problems.listed();
        this.problemCount = problems.count();
        this.leaks = leaks.toImmutable();
        this.leakedBytes = leakedBytes;
        this.danglingSlots = walk.danglingSlots();
        this.danglingTargets = walk.danglingTargets();
        this.danglingCount = walk.danglingCount();
        this.allocatedBlocks = allocatedBlocks;
        this.allocatedBytes = allocatedBytes;
        this.reachableBlocks = walk.reachedBlocks();
        this.reachableBytes = walk.reachedBytes();
    }

    /** @return the UUID of the pool checked */
    public UUID pool() {
        return pool;
    }

    /** @return the problem messages kept, in the order found */
    public List<String> problems() {
        return problems;
    }

    /** @return how many problems were found */
    public long problemCount() {
        return problemCount;
    }

    /** @return the offsets of the leaked blocks, ascending */
    public LongList leaks() {
        return leaks;
    }

    /** @return the usable bytes of the leaked blocks */
    public long leakedBytes() {
        return leakedBytes;
    }

    /** @return the slots of the dangling references kept, in the order found */
    public LongList danglingSlots() {
        return danglingSlots;
    }

    /** @return the targets of the dangling references kept, parallel to {@link #danglingSlots} */
    public LongList danglingTargets() {
        return danglingTargets;
    }

    /** @return how many dangling references were found */
    public long danglingCount() {
        return danglingCount;
    }

    /** @return blocks allocated, small and large */
    public long allocatedBlocks() {
        return allocatedBlocks;
    }

    /** @return usable bytes of the allocated blocks */
    public long allocatedBytes() {
        return allocatedBytes;
    }

    /** @return blocks reachable from the roots (including the blocks holding root words) */
    public long reachableBlocks() {
        return reachableBlocks;
    }

    /** @return usable bytes of the reachable blocks */
    public long reachableBytes() {
        return reachableBytes;
    }

    /** @return whether there are problems or dangling references, which make a repair refuse */
    public boolean hasStructuralProblems() {
        return problemCount > 0 || danglingCount > 0;
    }

    /** @return whether nothing at all was found */
    public boolean isClean() {
        return !hasStructuralProblems() && leaks.isEmpty();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("pool ").append(pool).append(": ");
        s.append(isClean() ? "clean" : problemCount + " problem(s), " + danglingCount + " dangling reference(s), "
                + leaks.size() + " leaked block(s) (" + leakedBytes + " bytes)");
        s.append("\n  allocated ").append(allocatedBlocks).append(" block(s), ").append(allocatedBytes)
                .append(" bytes; reachable ").append(reachableBlocks).append(" block(s), ")
                .append(reachableBytes).append(" bytes");
        for (int i = 0; i < Math.min(SHOWN, problems.size()); i++) {
            s.append("\n  problem: ").append(problems.get(i));
        }
        more(s, problemCount, Math.min(SHOWN, problems.size()));
        for (int i = 0; i < Math.min(SHOWN, danglingSlots.size()); i++) {
            s.append("\n  dangling: slot ").append(danglingSlots.get(i)).append(" -> ").append(danglingTargets.get(i));
        }
        more(s, danglingCount, Math.min(SHOWN, danglingSlots.size()));
        for (int i = 0; i < Math.min(SHOWN, leaks.size()); i++) {
            s.append("\n  leaked: block ").append(leaks.get(i));
        }
        more(s, leaks.size(), Math.min(SHOWN, leaks.size()));
        return s.toString();
    }

    private static void more(StringBuilder s, long total, int shown) {
        if (total > shown) {
            s.append("\n  ... and ").append(total - shown).append(" more");
        }
    }
}
