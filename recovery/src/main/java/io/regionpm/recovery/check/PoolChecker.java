package io.regionpm.recovery.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

import org.eclipse.collections.api.list.primitive.IntList;
import org.eclipse.collections.api.list.primitive.LongList;
import org.eclipse.collections.api.list.primitive.MutableLongList;
import org.eclipse.collections.impl.list.mutable.primitive.LongArrayList;

import io.regionpm.alloc.Heap;
import io.regionpm.alloc.HeapVerifier;
import io.regionpm.alloc.Lane;
import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.alloc.PoolDescriptor;
import io.regionpm.alloc.PoolException;
import io.regionpm.alloc.PoolFormatException;
import io.regionpm.alloc.PoolGeometry;
import io.regionpm.alloc.PoolHeader;

/**
 * The pool checker: verifies a pool and finds its leaked blocks and dangling references.
 *
 * <p>{@link #check} runs, in order: the header ({@link PoolHeader#validate} on the mapped
 * bytes, which must still describe the attached pool); the allocator metadata
 * ({@link HeapVerifier}: state words, bitmaps, large runs, lane records); the checks plugged
 * in with {@link #addCheck} (log verification, for instance), in the order added; the walk
 * from every root through its type's {@link BlockWalker}; and finally the leak scan, which
 * lists every allocated block the walk did not reach. Each phase reports progress.
 *
 * <p>The walk never reads a block before validating it: every pointer goes through
 * {@link ReferenceSink#visit}, which admits only allocated block starts not reached before,
 * so cycles, shared blocks and garbage pointers end it. The reached set is a primitive
 * {@code LongHashSet}: Java heap in proportion to the number of reachable blocks.
 *
 * <p>Thread-safety: not thread-safe; plug in checks before checking, and run one check or
 * repair at a time. Process-safety: a check only reads the pool, but its findings are
 * reliable only on a quiescent pool: no other thread or process allocating, freeing or
 * linking blocks, dead lanes recovered ({@link Heap#recoverDeadLanes()}). A repair frees
 * through a lane of its own, each free atomic and crash-safe. Crash behaviour: a crash during
 * a repair leaves every block freed so far freed and the rest still leaked; check again.
 */
public final class PoolChecker {
    /** Progress phase of the header check (0 or 1 of 1). */
    public static final String PHASE_HEADER = "header";
    /** Progress phase of the walk: blocks reached out of all allocated blocks. */
    public static final String PHASE_WALK = Reachability.PHASE;

    private record NamedCheck(String name, Consumer<Problems> check) {
    }

    private final Heap heap;
    private final WalkerRegistry walkers;
    private final HeapVerifier verifier;
    private final List<NamedCheck> checks = new ArrayList<>();

    /**
     * @param heap    the attached pool to check
     * @param walkers the walkers of the collection types that may appear among the roots
     */
    public PoolChecker(Heap heap, WalkerRegistry walkers) {
        this.heap = Objects.requireNonNull(heap, "heap");
        this.walkers = Objects.requireNonNull(walkers, "walkers");
        this.verifier = new HeapVerifier(heap);
    }

    /**
     * Plugs in a further check, run after the allocator's and before the walk. A check
     * reports through the {@link Problems} it is given and must only read the pool; if it
     * throws a {@link PoolException}, that is recorded as a problem and the check goes on.
     *
     * @param name  a name, used as its progress phase and in messages
     * @param check the check
     * @return this checker
     */
    public PoolChecker addCheck(String name, Consumer<Problems> check) {
        checks.add(new NamedCheck(Objects.requireNonNull(name, "name"), Objects.requireNonNull(check, "check")));
        return this;
    }

    /**
     * Checks the pool without progress reports.
     *
     * @param roots the words holding the roots of every collection in the pool
     * @return the report
     */
    public CheckReport check(List<CheckRoot> roots) {
        return check(roots, ProgressListener.NONE);
    }

    /**
     * Checks the pool. Reads only. Blocks reachable from no root are reported as leaked, so
     * {@code roots} must name every collection.
     *
     * @param roots    the words holding the roots of every collection in the pool
     * @param progress receives progress reports
     * @return the report
     * @throws PoolException only if the pool cannot be read at all; damage is reported. An
     *                       exception of another type thrown by a walker or a plugged-in
     *                       check (a bug in it, not damage) reaches the caller unchanged
     */
    public CheckReport check(List<CheckRoot> roots, ProgressListener progress) {
        Problems problems = new Problems();
        verifyHeader(problems, progress);
        HeapVerifier.Summary summary = verifier.verify(problems::add, progress::progress);
        for (NamedCheck c : checks) {
            runCheck(c, problems, progress);
        }
        Reachability walk = new Reachability(verifier, progress, summary.allocatedBlocks());
        walk.started();
        for (CheckRoot root : roots) {
            walkRoot(root, walk, problems);
        }
        walk.finished();
        MutableLongList leaks = new LongArrayList();
        long[] totals = new long[3];
        verifier.forEachAllocated((block, size) -> {
            totals[0]++;
            totals[1] += size;
            if (!walk.isReached(block)) {
                leaks.add(block);
                totals[2] += size;
            }
        }, progress::progress);
        leaks.sortThis();
        return new CheckReport(heap.descriptor().uuid(), problems, walk, leaks, totals[2], totals[0], totals[1]);
    }

    private void verifyHeader(Problems problems, ProgressListener progress) {
        progress.progress(PHASE_HEADER, 0, 1);
        PersistentMemory pm = heap.memory();
        PoolDescriptor attached = heap.descriptor();
        String source = "pool " + attached.uuid();
        try {
            PoolDescriptor now = PoolHeader.validate(pm.readOnlySlice(0, Math.min(pm.size(), PoolGeometry.HEADER_BYTES)),
                    pm.size(), source);
            if (!now.equals(attached)) {
                problems.add("header: now says " + now + ", but the heap was attached as " + attached);
            }
        } catch (PoolFormatException e) {
            problems.add("header: " + e.getMessage());
        }
        progress.progress(PHASE_HEADER, 1, 1);
    }

    private static void runCheck(NamedCheck c, Problems problems, ProgressListener progress) {
        progress.progress(c.name(), 0, 1);
        try {
            c.check().accept(problems);
        } catch (PoolException e) {
            problems.add("check " + c.name() + " stopped: " + e.getMessage());
        }
        progress.progress(c.name(), 1, 1);
    }

    private void walkRoot(CheckRoot root, Reachability walk, Problems problems) {
        String what = "root " + root.name() + " (" + root.type() + ", slot " + root.slot() + ")";
        long target;
        try {
            target = heap.memory().getLongAcquire(root.slot());
        } catch (PoolCorruptedException e) {
            problems.add(what + ": the slot is not an aligned word of the pool: " + e.getMessage());
            return;
        }
        walk.reachContaining(root.slot());
        Optional<BlockWalker> walker = walkers.find(root.type());
        if (walker.isEmpty()) {
            walk.visit(root.slot(), target);
            problems.add(what + ": no walker is registered for the type, so what it references looks leaked");
            return;
        }
        if (walk.visit(root.slot(), target)) {
            try {
                walker.get().walk(heap.memory(), target, walk);
            } catch (PoolException e) {
                problems.add(what + ": the walk stopped: " + e.getMessage());
            }
        }
    }

    /**
     * Frees every block the report lists as leaked, through one lane of this heap. Refuses,
     * changing nothing, when the report is of another pool, has any problem or dangling
     * reference (a damaged structure may make live blocks look leaked), when another live
     * process holds a lane (the pool is not quiescent), or when a listed block is no longer
     * allocated (the pool changed since the check). The pool must not have changed since the
     * check: a block linked in the meantime would be freed while referenced.
     *
     * @param report a report of {@link #check} on this heap's pool
     * @return how many blocks were freed
     * @throws PoolCorruptedException if the report has problems other than leaks
     * @throws PoolException          if the repair is refused for another reason, or a free
     *                                failed (the message says how many were freed before)
     */
    public long repair(CheckReport report) {
        refuseUnlessOnlyLeaks(report);
        LongList leaks = report.leaks();
        long freed = 0;
        try (Lane lane = heap.acquireLane()) {
            for (int i = 0; i < leaks.size(); i++) {
                lane.freeBlock(leaks.get(i));
                freed++;
            }
        } catch (PoolException e) {
            throw new PoolException("repair stopped after freeing " + freed + " of " + leaks.size()
                    + " leaked blocks: " + e.getMessage(), e);
        }
        return freed;
    }

    private void refuseUnlessOnlyLeaks(CheckReport report) {
        String refused = "repair refused, nothing changed: ";
        if (!report.pool().equals(heap.descriptor().uuid())) {
            throw new PoolException(refused + "the report is of pool " + report.pool() + ", this heap's pool is "
                    + heap.descriptor().uuid());
        }
        if (report.hasStructuralProblems()) {
            throw new PoolCorruptedException(refused + "the report has " + report.problemCount() + " problem(s) and "
                    + report.danglingCount() + " dangling reference(s) besides its leaks, so live blocks may look "
                    + "leaked; first: " + (report.problems().isEmpty() ? "a dangling reference from slot "
                    + report.danglingSlots().getFirst() : report.problems().getFirst()));
        }
        IntList others = verifier.lanesHeldByOtherProcesses();
        if (!others.isEmpty()) {
            throw new PoolException(refused + "lanes " + others + " are held by other running processes;"
                    + " a repair needs a quiescent pool");
        }
        LongList leaks = report.leaks();
        for (int i = 0; i < leaks.size(); i++) {
            if (!verifier.isAllocatedBlockStart(leaks.get(i))) {
                throw new PoolException(refused + "block " + leaks.get(i) + " is no longer allocated;"
                        + " the pool changed since the check, check again");
            }
        }
    }
}
