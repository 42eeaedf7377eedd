package io.regionpm.recovery;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.eclipse.collections.api.set.primitive.MutableLongSet;
import org.eclipse.collections.impl.set.mutable.primitive.LongHashSet;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolFullException;
import io.regionpm.recovery.check.BlockWalker;
import io.regionpm.recovery.check.CheckReport;
import io.regionpm.recovery.check.CheckRoot;
import io.regionpm.recovery.check.WalkerRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The crash tests' model: an array of counters whose sum is invariant, random transfers
 * between them (undo-logged, redo-logged or both), a linked list of receipt blocks pushed
 * (allocated) and popped (freed) by the same transactions, a committed-transaction count,
 * and planned aborts. All state hangs off root slots, so it survives reopening.
 */
final class TransferModel {
    static final int COUNTERS = 8;
    static final long INITIAL = 1000;
    static final int COUNTERS_SLOT = 0, RECEIPTS_SLOT = 1, COUNT_SLOT = 2;
    private static final int[] SIZES = {16, 40, 200, 3000, 16, 40, 200, 3000, 24, 70_000};

    /** A planned abort. */
    static final class PlannedAbort extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PlannedAbort() {
            super("planned abort", null, false, false);
        }
    }

    /** What a reader sees: the count of committed transfers, the counters, the receipts (newest first). */
    record State(long committed, List<Long> counters, List<Long> receipts) {
    }

    private TransferModel() {
    }

    static void setup(PoolRuntime rt) {
        rt.transaction(() -> {
            Transaction tx = rt.current();
            long counters = tx.allocate(8L * COUNTERS);
            for (int i = 0; i < COUNTERS; i++) {
                rt.memory().setLong(counters + 8L * i, INITIAL);
            }
            tx.setLong(slot(rt, COUNTERS_SLOT), counters);
            tx.setLong(slot(rt, RECEIPTS_SLOT), 0);
            tx.setLong(slot(rt, COUNT_SLOT), 0);
        });
    }

    static long slot(PoolRuntime rt, int i) {
        return rt.root().slot(i);
    }

    /**
     * One random transaction (under {@code lock} if not null).
     *
     * @return whether it committed (false: a planned abort, or the pool was full)
     */
    static boolean step(PoolRuntime rt, Random r, RobustMutex lock) {
        int i = r.nextInt(COUNTERS);
        int j = (i + 1 + r.nextInt(COUNTERS - 1)) % COUNTERS;
        long amount = 1 + r.nextInt(50);
        int mode = r.nextInt(3);
        boolean push = r.nextBoolean();
        boolean pop = r.nextInt(10) < 6;
        boolean abort = r.nextInt(12) == 0;
        int size = SIZES[r.nextInt(SIZES.length)];
        try {
            rt.transaction(() -> {
                if (lock != null) {
                    rt.current().lock(lock);
                }
                long k = rt.current().getLong(slot(rt, COUNT_SLOT)) + 1;
                body(rt, k, i, j, amount, mode, push ? size : 0, pop, abort);
            });
            return true;
        } catch (PlannedAbort | PoolFullException refused) {
            return false;
        }
    }

    private static void body(PoolRuntime rt, long k, int i, int j, long amount, int mode, int push, boolean pop,
                             boolean abort) {
        Transaction tx = rt.current();
        PersistentMemory pm = rt.memory();
        long counters = tx.getLong(slot(rt, COUNTERS_SLOT));
        long ci = counters + 8L * i;
        long cj = counters + 8L * j;
        if (mode != 1) {
            tx.snapshot(ci, 8);
            pm.setLong(ci, pm.getLong(ci) - amount);
        } else {
            tx.setLong(ci, tx.getLong(ci) - amount);
        }
        if (mode == 0) {
            tx.snapshot(cj, 8);
            pm.setLong(cj, pm.getLong(cj) + amount);
        } else {
            tx.setLong(cj, tx.getLong(cj) + amount);
        }
        long head = slot(rt, RECEIPTS_SLOT);
        if (push > 0) {
            long b = tx.allocate(push);
            pm.setLong(b, tx.getLong(head));
            pm.setLong(b + 8, k);
            if (push >= 32) {
                pm.setLong(b + 16, push);
                pm.setLong(b + (push - 8 & -8L), ~k);
            }
            tx.setLong(head, b);
        }
        if (pop && tx.getLong(head) != 0) {
            long h = tx.getLong(head);
            tx.setLong(head, pm.getLong(h));
            if (mode == 2) {
                tx.retire(h);
            } else {
                tx.free(h);
            }
        }
        if (mode == 0) {
            tx.snapshot(slot(rt, COUNT_SLOT), 8);
            pm.setLong(slot(rt, COUNT_SLOT), k);
        } else {
            tx.setLong(slot(rt, COUNT_SLOT), k);
        }
        if (abort) {
            throw new PlannedAbort();
        }
    }

    /** Reads the state, checking every receipt against the allocator. */
    static State read(PoolRuntime rt) {
        PersistentMemory pm = rt.memory();
        long counters = pm.getLong(slot(rt, COUNTERS_SLOT));
        List<Long> values = new ArrayList<>();
        for (int i = 0; i < COUNTERS; i++) {
            values.add(pm.getLong(counters + 8L * i));
        }
        List<Long> receipts = new ArrayList<>();
        for (long b = pm.getLong(slot(rt, RECEIPTS_SLOT)); b != 0; b = pm.getLong(b)) {
            long size = rt.heap().usableSize(b);
            long id = pm.getLong(b + 8);
            assertThat(receipts).as("receipt list too long (cycle?)").hasSizeLessThan(100_000);
            receipts.add(id);
            if (size >= 32) {
                long requested = pm.getLong(b + 16);
                assertThat(requested).as("receipt %d size", id).isBetween(32L, size);
                assertThat(pm.getLong(b + (requested - 8 & -8L))).as("receipt %d tail", id).isEqualTo(~id);
            }
        }
        return new State(pm.getLong(slot(rt, COUNT_SLOT)), values, receipts);
    }

    /** The invariants: the sum, and the allocator holds exactly the counters and the receipts. */
    static void assertConsistent(PoolRuntime rt, String where) {
        PersistentMemory pm = rt.memory();
        State s = read(rt);
        assertThat(s.counters().stream().mapToLong(Long::longValue).sum()).as(where + ": sum of counters")
                .isEqualTo(COUNTERS * INITIAL);
        MutableLongSet expected = new LongHashSet();
        expected.add(pm.getLong(slot(rt, COUNTERS_SLOT)));
        for (long b = pm.getLong(slot(rt, RECEIPTS_SLOT)); b != 0; b = pm.getLong(b)) {
            expected.add(b);
        }
        for (CheckRoot limbo : rt.systemRoots()) {
            assertThat(expected.add(pm.getLong(limbo.slot()))).as(where + ": a block both linked and in limbo").isTrue();
        }
        MutableLongSet allocated = new LongHashSet();
        rt.heap().forEachAllocated(allocated::add);
        assertThat(allocated).as(where + ": allocated blocks (leaks / dangling)").isEqualTo(expected);
    }

    static final String COUNTERS_TYPE = "transfer-counters", RECEIPTS_TYPE = "transfer-receipts";

    /** The model's walkers: the counters block holds no pointer; receipts form a list. */
    static WalkerRegistry walkers() {
        return new WalkerRegistry()
                .register(COUNTERS_TYPE, (pm, block, sink) -> { })
                .register(RECEIPTS_TYPE, BlockWalker.chain());
    }

    static List<CheckRoot> roots(PoolRuntime rt) {
        List<CheckRoot> roots = new ArrayList<>(rt.systemRoots());
        roots.add(new CheckRoot("counters", COUNTERS_TYPE, slot(rt, COUNTERS_SLOT)));
        roots.add(new CheckRoot("receipts", RECEIPTS_TYPE, slot(rt, RECEIPTS_SLOT)));
        return roots;
    }

    /** The pool checker finds nothing wrong and reaches every allocated block. */
    static CheckReport assertCheckerClean(PoolRuntime rt, String where) {
        CheckReport report = rt.checker(walkers()).check(roots(rt));
        assertThat(report.isClean()).as(where + ": " + report).isTrue();
        assertThat(report.reachableBlocks()).as(where).isEqualTo(report.allocatedBlocks());
        return report;
    }

    static String describe(State s) {
        return s.committed() + " " + Arrays.toString(s.counters().toArray()) + " " + s.receipts();
    }
}
