package io.regionpm.recovery;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolFile;
import io.regionpm.alloc.PoolSpec;
import io.regionpm.alloc.sim.SimulatedMemory;
import io.regionpm.recovery.ReaderEpochs.ReadGuard;
import io.regionpm.testkit.ChildJvm;
import io.regionpm.testkit.Seeds;
import io.regionpm.testkit.Stress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * Reader epochs: a reader from before a retirement holds its tag back, later readers do not,
 * overlapping readers never stall reclamation, a node is never freed under a reader, and a
 * killed or crashed reader's slots are cleared.
 */
class ReaderEpochsTest {
    private static final int ENTRIES = 8;
    private static final DeadProcessRecovery NO_DEAD_PROCESS = (e, g) -> {
        throw new AssertionError("no dead process expected, found entry " + e);
    };

    @TempDir
    Path dir;

    /** The registry, the epoch word and a model's root word and nodes in the pool's data region. */
    record Layout(PersistentMemory pm, ProcessRegistry registry, ReaderEpochs epochs, long epochAt, long root,
            long nodes) {
        static Layout of(PoolFile file) {
            return of(file.memory(), file.descriptor().geometry().dataOffset());
        }

        static Layout of(PersistentMemory pm, long base) {
            ProcessRegistry registry = new ProcessRegistry(pm, base, ENTRIES);
            long epochAt = base + (long) ENTRIES * ProcessRegistry.ENTRY_BYTES;
            long root = epochAt + ReaderEpochs.BYTES;
            return new Layout(pm, registry, new ReaderEpochs(pm, epochAt, registry), epochAt, root, root + Long.BYTES);
        }

        long slot(Registration r, int slot) {
            return pm.getLongVolatile(registry.readerSlotAt(r.entry(), slot));
        }

        long slot(int entry, int slot) {
            return pm.getLongVolatile(registry.readerSlotAt(entry, slot));
        }
    }

    private static long slotWord(long epoch, long readers) {
        return epoch << 20 | readers;
    }

    private Path newPool() {
        Path p = dir.resolve("epochs.pool");
        PoolFile.create(p, PoolSpec.of(1L << 20)).close();
        return p;
    }

    @Test
    void aReaderFromBeforeARetirementHoldsItsTagBackUntilItExitsAndLaterReadersDoNot() {
        try (PoolFile file = PoolFile.open(newPool())) {
            Layout l = Layout.of(file);
            ReaderEpochs epochs = l.epochs();
            Registration reader = l.registry().register(1, NO_DEAD_PROCESS);
            Registration otherProcess = l.registry().register(1, NO_DEAD_PROCESS);
            assertThat(epochs.oldestActiveEpoch()).isEqualTo(Long.MAX_VALUE);
            ReadGuard before = epochs.enter(reader);
            long tag = epochs.retireEpoch();
            assertThat(before.epoch()).isEqualTo(tag).isEqualTo(1);
            assertThat(epochs.isReclaimable(tag)).as("a reader that entered before the retirement").isFalse();
            assertThat(epochs.isReclaimable(tag - 1)).as("an older tag").isTrue();
            assertThat(epochs.oldestActiveEpoch()).isEqualTo(tag);
            try (ReadGuard after = epochs.enter(reader); ReadGuard elsewhere = epochs.enter(otherProcess)) {
                assertThat(after.epoch()).isEqualTo(tag + 1);
                assertThat(elsewhere.epoch()).isEqualTo(tag + 1);
                assertThat(epochs.isReclaimable(tag)).as("still the reader from before").isFalse();
                before.close();
                assertThat(epochs.isReclaimable(tag)).as("only readers that entered after the retirement").isTrue();
                long next = epochs.retireEpoch();
                assertThat(epochs.isReclaimable(next)).as("those readers hold the next tag back").isFalse();
                assertThat(epochs.oldestActiveEpoch()).isEqualTo(tag + 1);
            }
            assertThat(epochs.isReclaimable(epochs.currentEpoch())).isTrue();
            assertThat(epochs.oldestActiveEpoch()).isEqualTo(Long.MAX_VALUE);
            before.close();
            assertThat(l.slot(reader, 0) & 0xFFFFF).as("closing twice counts once").isZero();
        }
    }

    @Test
    void readersJoinTheCurrentEpochsSlotElseAFreeOneElseTheNewerOneSoTheOlderDrains() {
        try (SimulatedMemory sim = SimulatedMemory.create(1 << 16)) {
            Layout l = Layout.of(sim.memory(), 4096);
            ReaderEpochs epochs = l.epochs();
            Registration me = l.registry().register(1, NO_DEAD_PROCESS);
            ReadGuard a = epochs.enter(me);
            epochs.retireEpoch();
            ReadGuard b = epochs.enter(me);
            ReadGuard c = epochs.enter(me);
            assertThat(l.slot(me, 0)).as("a at epoch 1").isEqualTo(slotWord(1, 1));
            assertThat(l.slot(me, 1)).as("b took the free slot at epoch 2, c joined it").isEqualTo(slotWord(2, 2));
            epochs.retireEpoch();
            ReadGuard d = epochs.enter(me);
            assertThat(d.epoch()).as("no slot at 3, none free: the newer, 2").isEqualTo(2);
            assertThat(l.slot(me, 1)).isEqualTo(slotWord(2, 3));
            a.close();
            ReadGuard e = epochs.enter(me);
            assertThat(e.epoch()).as("the drained slot is taken at the current epoch").isEqualTo(3);
            assertThat(l.slot(me, 0)).isEqualTo(slotWord(3, 1));
            epochs.retireEpoch();
            ReadGuard f = epochs.enter(me);
            assertThat(f.epoch()).as("now slot 0 is the newer").isEqualTo(3);
            for (ReadGuard g : List.of(b, c, d, e, f)) {
                g.close();
            }
            assertThat(l.slot(me, 0) & 0xFFFFF).isZero();
            assertThat(l.slot(me, 1) & 0xFFFFF).isZero();
            assertThat(epochs.oldestActiveEpoch()).isEqualTo(Long.MAX_VALUE);
        }
    }

    @Test
    void epochsWrapAroundTheSlotsFortyFourBitsWithoutHarm() {
        try (SimulatedMemory sim = SimulatedMemory.create(1 << 16)) {
            Layout l = Layout.of(sim.memory(), 4096);
            ReaderEpochs epochs = l.epochs();
            long last = (1L << 44) - 1;
            l.pm().setLong(l.epochAt(), last);
            Registration me = l.registry().register(1, NO_DEAD_PROCESS);
            ReadGuard before = epochs.enter(me);
            long tag = epochs.retireEpoch();
            assertThat(before.epoch()).isEqualTo(tag).isEqualTo(last);
            try (ReadGuard after = epochs.enter(me)) {
                assertThat(after.epoch()).isEqualTo(1L << 44);
                assertThat(l.slot(me, 1)).as("its slot holds epoch bits 0").isEqualTo(slotWord(0, 1));
                assertThat(epochs.isReclaimable(tag)).isFalse();
                assertThat(epochs.oldestActiveEpoch()).isEqualTo(last);
                before.close();
                assertThat(epochs.isReclaimable(tag)).isTrue();
                assertThat(epochs.oldestActiveEpoch()).isEqualTo(1L << 44);
                assertThat(epochs.isReclaimable(epochs.retireEpoch())).isFalse();
            }
            assertThat(epochs.oldestActiveEpoch()).isEqualTo(Long.MAX_VALUE);
        }
    }

    /**
     * Four threads read hand over hand (each enters its next read before it leaves the
     * current one), so this process always has active readers, while the writer retires
     * tags as fast as it can (up to 256 pending). A round ends when every reader thread has
     * moved to a new read; each tag must become reclaimable within a few rounds of its
     * retirement (about three by the design, six allowed). A design in which new readers keep
     * joining an old epoch never drains and fails here.
     */
    @Test
    void continuouslyOverlappingReadersNeverStallReclamation() throws Exception {
        int threads = 4;
        long targetTags = Stress.scale(2_000, 200_000);
        long targetRounds = 20;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Stress.scale(120, 1_200));
        int allowedRounds = 6;
        int window = 256;
        try (PoolFile file = PoolFile.open(newPool())) {
            Layout l = Layout.of(file);
            Registration me = l.registry().register(1, NO_DEAD_PROCESS);
            AtomicLongArray handovers = new AtomicLongArray(threads);
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int index = t;
                readers.add(Thread.ofPlatform().name("reader-" + t).start(() -> {
                    Random random = new Random(index);
                    ReadGuard held = l.epochs().enter(me);
                    while (!stop.get()) {
                        ReadGuard next = l.epochs().enter(me);
                        spinNanos(random.nextInt(2_000));
                        held.close();
                        held = next;
                        handovers.incrementAndGet(index);
                    }
                    held.close();
                }));
            }
            ArrayDeque<long[]> pending = new ArrayDeque<>(); // {tag, round of its retirement}
            long round = 0;
            long retired = 0;
            long maxRounds = 0;
            long[] mark = snapshot(handovers);
            try {
                while (retired < targetTags || round < targetRounds || !pending.isEmpty()) {
                    boolean producing = retired < targetTags || round < targetRounds;
                    long[] now = snapshot(handovers);
                    if (allAdvanced(now, mark)) {
                        round++;
                        mark = now;
                    }
                    if (producing && pending.size() < window) {
                        pending.add(new long[] {l.epochs().retireEpoch(), round});
                        retired++;
                    }
                    while (!pending.isEmpty() && l.epochs().isReclaimable(pending.peekFirst()[0])) {
                        maxRounds = Math.max(maxRounds, round - pending.pollFirst()[1]);
                    }
                    if (System.nanoTime() > deadline) {
                        fail("no progress before the deadline: " + retired + " tags, " + round + " rounds, "
                                + pending.size() + " pending");
                    }
                    if (!pending.isEmpty() && round - pending.peekFirst()[1] > allowedRounds) {
                        fail("tag " + pending.peekFirst()[0] + " not reclaimable after " + (round - pending.peekFirst()[1])
                                + " rounds of handovers by every reader; slots " + Long.toHexString(l.slot(me, 0)) + " "
                                + Long.toHexString(l.slot(me, 1)));
                    }
                    Thread.onSpinWait();
                }
            } finally {
                stop.set(true);
                for (Thread r : readers) {
                    r.join();
                }
            }
            System.out.println("ReaderEpochsTest overlapping: " + retired + " tags, " + round + " rounds, each tag"
                    + " reclaimable within " + maxRounds + ", " + total(handovers) + " handovers");
            assertThat(round).as("rounds of handovers").isGreaterThanOrEqualTo(targetRounds);
            assertThat(retired).as("tags retired").isGreaterThanOrEqualTo(targetTags);
            assertThat(l.epochs().oldestActiveEpoch()).isEqualTo(Long.MAX_VALUE);
        }
    }

    private static long[] snapshot(AtomicLongArray counts) {
        long[] s = new long[counts.length()];
        for (int i = 0; i < s.length; i++) {
            s[i] = counts.get(i);
        }
        return s;
    }

    private static boolean allAdvanced(long[] now, long[] mark) {
        for (int i = 0; i < now.length; i++) {
            if (now[i] <= mark[i]) {
                return false;
            }
        }
        return true;
    }

    private static long total(AtomicLongArray counts) {
        long sum = 0;
        for (int i = 0; i < counts.length(); i++) {
            sum += counts.get(i);
        }
        return sum;
    }

    private static void spinNanos(long nanos) {
        long until = System.nanoTime() + nanos;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    /**
     * A model of a shadow structure: the root word points at one of a few nodes holding
     * (version, ~version); the writer publishes a fresh node, retires the old one and frees
     * (poisons) retired nodes only when reclaimable, reusing them soon after. Readers in two
     * registrations check that the node they reached is never poisoned nor rewritten while
     * they read.
     */
    @Test
    void aRetiredNodeIsNeverFreedUnderAReader() throws Exception {
        long seed = Seeds.seed("ReaderEpochsTest.model");
        long runNanos = TimeUnit.SECONDS.toNanos(Stress.scale(3, 60));
        long hardDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Stress.scale(120, 1_200));
        int nodeCount = 16;
        long poison = 0xDEAD_DEAD_DEAD_DEADL;
        try (PoolFile file = PoolFile.open(newPool())) {
            Layout l = Layout.of(file);
            PersistentMemory pm = l.pm();
            ArrayDeque<Long> free = new ArrayDeque<>();
            for (int n = 1; n < nodeCount; n++) {
                free.add(l.nodes() + 16L * n);
            }
            writeNode(pm, l.nodes(), 0);
            pm.setLongRelease(l.root(), l.nodes());
            List<Registration> processes = List.of(l.registry().register(1, NO_DEAD_PROCESS),
                    l.registry().register(1, NO_DEAD_PROCESS));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<String> failure = new AtomicReference<>();
            AtomicLongArray reads = new AtomicLongArray(4);
            AtomicLong staleReads = new AtomicLong(); // reads during which their node was retired
            List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int index = t;
                Registration me = processes.get(t % 2);
                Random random = new Random(seed + t);
                readers.add(Thread.ofPlatform().name("model-reader-" + t).start(() -> {
                    while (!stop.get() && failure.get() == null) {
                        try (ReadGuard g = l.epochs().enter(me)) {
                            long node = pm.getLongAcquire(l.root());
                            long version = pm.getLongAcquire(node);
                            spinNanos(random.nextInt(3) == 0 ? random.nextInt(5_000) : 0);
                            long check = pm.getLongAcquire(node + 8);
                            long again = pm.getLongAcquire(node);
                            if (pm.getLongAcquire(l.root()) != node) {
                                staleReads.incrementAndGet();
                            }
                            if (version == poison || check != ~version || again != version) {
                                failure.compareAndSet(null, "seed " + seed + ": reader " + index + " at epoch " + g.epoch()
                                        + " read node " + node + " as " + Long.toHexString(version) + "/"
                                        + Long.toHexString(check) + "/" + Long.toHexString(again));
                            }
                        }
                        reads.incrementAndGet(index);
                    }
                }));
            }
            Random random = new Random(seed);
            ArrayDeque<Retired> retired = new ArrayDeque<>();
            int freed = 0;
            int publications = 0;
            long end = System.nanoTime() + runNanos;
            try {
                while ((System.nanoTime() < end || total(reads) <= 1000 || staleReads.get() <= 10
                        || publications <= 100) && failure.get() == null && System.nanoTime() < hardDeadline) {
                    long v = ++publications;
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (free.isEmpty()) {
                        freed += reclaim(l, retired, free, random.nextBoolean(), poison);
                        assertThat(System.nanoTime()).as("seed " + seed + ": no retired node became free")
                                .isLessThan(deadline);
                    }
                    long fresh = random.nextBoolean() ? free.pollFirst() : free.pollLast();
                    writeNode(pm, fresh, v);
                    long old = pm.getLongAcquire(l.root());
                    pm.setLongRelease(l.root(), fresh);
                    retired.add(new Retired(old, l.epochs().retireEpoch()));
                    if (random.nextInt(4) == 0) {
                        freed += reclaim(l, retired, free, random.nextBoolean(), poison);
                    }
                }
            } finally {
                stop.set(true);
                for (Thread r : readers) {
                    r.join();
                }
            }
            System.out.println("ReaderEpochsTest model: " + publications + " publications, " + freed + " nodes freed, "
                    + total(reads) + " reads, " + staleReads + " of them outlived their node's retirement");
            assertThat(failure.get()).isNull();
            assertThat(total(reads)).as("the readers ran").isGreaterThan(1000);
            assertThat(staleReads.get()).as("reads that outlived their node's retirement").isGreaterThan(10);
            assertThat(publications).as("publications").isGreaterThan(100);
            assertThat(freed).isGreaterThan(publications - nodeCount);
        }
    }

    /** A node unlinked by a publication, and the tag of that retirement. */
    private record Retired(long node, long tag) {
    }

    private static void writeNode(PersistentMemory pm, long node, long version) {
        pm.setLong(node, version);
        pm.setLong(node + 8, ~version);
    }

    /** Frees every retired node that may be freed, asking per tag or once for all; @return how many */
    private static int reclaim(Layout l, ArrayDeque<Retired> retired, ArrayDeque<Long> free, boolean perTag,
            long poison) {
        long oldest = perTag ? 0 : l.epochs().oldestActiveEpoch();
        int freed = 0;
        while (!retired.isEmpty()) {
            Retired r = retired.peekFirst();
            if (perTag ? !l.epochs().isReclaimable(r.tag()) : r.tag() >= oldest) {
                break;
            }
            retired.pollFirst();
            l.pm().setLong(r.node(), poison);
            l.pm().setLong(r.node() + 8, poison);
            free.add(r.node());
            freed++;
        }
        return freed;
    }

    /** Registers, enters a read and stays inside it. */
    public static final class ReadingChild {
        public static void main(String[] args) throws Exception {
            PoolFile file = PoolFile.open(Path.of(args[0]));
            Layout l = Layout.of(file);
            Registration me = l.registry().register(1, (e, g) -> { });
            ReadGuard guard = l.epochs().enter(me);
            System.out.println("READING " + me.entry() + " " + guard.epoch());
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    @Test
    void aReaderKilledInsideItsReadHoldsNothingBackAndItsSlotIsCleared() throws InterruptedException {
        Path pool = newPool();
        try (PoolFile file = PoolFile.open(pool); ChildJvm child = ChildJvm.start(ReadingChild.class, pool.toString())) {
            Layout l = Layout.of(file);
            String[] line = child.awaitLine("READING", Duration.ofSeconds(60)).split(" ");
            int entry = Integer.parseInt(line[1]);
            long childEpoch = Long.parseLong(line[2]);
            long tag = l.epochs().retireEpoch();
            assertThat(tag).isGreaterThanOrEqualTo(childEpoch);
            assertThat(l.epochs().isReclaimable(tag)).as("the child is alive and reading").isFalse();
            assertThat(l.epochs().oldestActiveEpoch()).isEqualTo(childEpoch);
            child.killHard();
            assertThat(l.slot(entry, 0) | l.slot(entry, 1)).as("the dead child's slot, before a scan").isNotZero();
            Thread.sleep(ReaderEpochs.ALIVE_CACHE_NANOS / 1_000_000 + 5); // a process found alive is believed alive that long
            assertThat(l.epochs().isReclaimable(tag)).as("the child was killed").isTrue();
            assertThat(l.slot(entry, 0)).as("slot 0 cleared").isZero();
            assertThat(l.slot(entry, 1)).as("slot 1 cleared").isZero();
            assertThat(l.epochs().oldestActiveEpoch()).isEqualTo(Long.MAX_VALUE);
            Registration mine = l.registry().register(2, (e, g) -> { });
            try (ReadGuard g = l.epochs().enter(mine)) {
                long next = l.epochs().retireEpoch();
                assertThat(g.epoch()).isEqualTo(next);
                assertThat(l.epochs().isReclaimable(next)).as("a live reader still counts").isFalse();
            }
        }
    }

    @Test
    void slotsLeftByACrashAreIgnoredAndClearedAndATakenEntryStartsWithEmptySlots() {
        try (SimulatedMemory sim = SimulatedMemory.create(1 << 16)) {
            Layout l = Layout.of(sim.memory(), 4096);
            Registration crashed = l.registry().register(1, NO_DEAD_PROCESS);
            l.epochs().enter(crashed);
            l.epochs().retireEpoch();
            l.epochs().enter(crashed);
            long tag = l.epochs().retireEpoch();
            assertThat(l.epochs().isReclaimable(tag)).isFalse();
            try (SimulatedMemory image = sim.crashImageEverything()) {
                Layout after = Layout.of(image.memory(), 4096);
                assertThat(after.slot(crashed, 0)).isEqualTo(slotWord(1, 1));
                assertThat(after.epochs().oldestActiveEpoch()).as("every process of the image is dead")
                        .isEqualTo(Long.MAX_VALUE);
                assertThat(after.slot(crashed, 0)).as("older than the epoch: cleared").isZero();
                assertThat(after.slot(crashed, 1)).as("older than the epoch: cleared").isZero();
            }
            try (SimulatedMemory image = sim.crashImageEverything()) {
                Layout after = Layout.of(image.memory(), 4096);
                Registration taker = after.registry().register(1, (e, g) -> { });
                assertThat(taker.entry()).isEqualTo(crashed.entry());
                assertThat(after.slot(taker, 0)).as("taking clears the slots").isZero();
                assertThat(after.slot(taker, 1)).isZero();
            }
        }
    }

    @Test
    void deregisteringClearsTheSlotsAndAReadStillOpenThenFailsToClose() {
        try (SimulatedMemory sim = SimulatedMemory.create(1 << 16)) {
            Layout l = Layout.of(sim.memory(), 4096);
            Registration me = l.registry().register(1, NO_DEAD_PROCESS);
            ReadGuard open = l.epochs().enter(me);
            l.registry().deregister(me);
            assertThat(l.slot(me, 0)).isZero();
            assertThat(l.slot(me, 1)).isZero();
            assertThatThrownBy(open::close).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cleared during a read");
        }
    }
}
