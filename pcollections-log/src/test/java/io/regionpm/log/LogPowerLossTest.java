package io.regionpm.log;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.UUID;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.Test;

import io.regionpm.alloc.PoolHeader;
import io.regionpm.alloc.PoolSpec;
import io.regionpm.alloc.sim.SimulatedMemory;
import io.regionpm.alloc.sim.SimulatedPowerLoss;
import io.regionpm.core.Codecs;
import io.regionpm.core.Pool;
import io.regionpm.recovery.check.CheckReport;
import io.regionpm.testkit.Seeds;
import io.regionpm.testkit.Stress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@link PersistentLog} under simulated power loss (SYNC): a fixed script of appends (from 1
 * byte to the largest record a segment takes, records of more than half a segment forcing
 * segment switches and skip records), {@code appendAll} batches (one crossing a segment end,
 * one empty) and {@code truncateHead} calls (inside a segment, freeing a whole segment, to the
 * end) is crashed at its persistence points, each crash image keeping none, all, or random
 * subsets of the unflushed words. After recovery a reader from the head sees exactly the
 * records of every call that returned, plus the call in flight wholly or not at all (the
 * script's state before or after it), each at the position its append returned, positions
 * increasing: so no torn record, no returned append lost, no truncated record back;
 * {@code read} agrees at every position and refuses the truncated ones; {@code iterator()}
 * agrees; the pool checker is clean with nothing leaked; a new append works and is seen.
 *
 * <p>The default run crashes every persistence point of the script with a few random images
 * each; the stress profile uses more random images. The seed of the random images is printed.
 */
class LogPowerLossTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String LOG = "log";
    /** Longer than any non-waiting call takes; a call that runs longer is waiting. */
    private static final Duration NO_WAIT = Duration.ofSeconds(10);
    /** The largest record a fresh segment takes, found by {@link #largestRecord()} on first use. */
    private static int largest;
    /** The simulated pool's size: room for several segments. */
    private static long poolBytes;

    @Test
    void everyReturnedAppendSurvivesTheOneInFlightIsWholeOrAbsentAndTruncatedRecordsStayGone() {
        long seed = Seeds.seed("LogPowerLossTest");
        int randomImages = Stress.scale(6, 24);
        largest = largestRecord();
        poolBytes = roundUp(8L * largest + (2 << 20), 1 << 20);
        Script script = new Script(largest);
        Clean clean = runClean(script);

        long total = clean.endOfOp()[script.ops.size() - 1];
        int images = 0;
        for (long point = 1; point <= total; point++) {
            int op = 0;
            while (clean.endOfOp()[op] < point) {
                op++;
            }
            if (point % 50 == 0) {
                System.out.println("LogPowerLossTest: point " + point + "/" + total + ", " + images + " images");
            }
            images += crashAt(script, clean, point, seed, randomImages,
                    "seed " + seed + ", point " + point + "/" + total + " (in op " + op + " " + script.ops.get(op).label() + ")");
        }
        System.out.println("LogPowerLossTest: largest record " + largest + " B, " + script.ops.size() + " calls, "
                + script.records.size() + " records, " + total + " persistence points crashed, " + images
                + " crash images verified");
        assertThat(images).as("crash images").isGreaterThanOrEqualTo(Stress.scale(2_000, 8_000));
    }

    /**
     * What the clean run established.
     *
     * @param positions per script record, the position its append returned (or read back in its batch)
     * @param history   the log's expected contents after 0, 1, ... calls
     * @param endOfOp   per call, the persistence points passed by its end (from the log's opening)
     */
    private record Clean(long[] positions, List<List<String>> history, long[] endOfOp) {
    }

    /** Runs the script once without a crash, checking each call's result; records positions and history. */
    private static Clean runClean(Script script) {
        long[] positions = new long[script.records.size()];
        List<List<String>> history = new ArrayList<>();
        long[] endOfOp = new long[script.ops.size()];
        try (SimulatedMemory sim = SimulatedMemory.create(poolBytes); Pool pool = fresh(sim)) {
            PersistentLog<byte[]> log = PersistentLog.open(pool, LOG, Codecs.BYTES);
            long before = sim.persistencePoints();
            List<Integer> alive = new ArrayList<>();
            history.add(List.of());
            for (int i = 0; i < script.ops.size(); i++) {
                Op op = script.ops.get(i);
                long end = log.endPosition();
                long first = op.apply(log, positions);
                if (!op.records().isEmpty()) {
                    assertThat(first).as("op %d %s: first position against the end before", i, op.label())
                            .isGreaterThanOrEqualTo(end);
                    learnPositions(log, op, first, positions, script.records);
                    op.records().forEach(alive::add);
                } else if (op.truncateTo() == Op.NONE) {
                    assertThat(first).as("op %d %s: an empty batch returns the end", i, op.label()).isEqualTo(end);
                } else {
                    long head = op.truncateTo() == Op.END ? end : positions[op.truncateTo()];
                    alive.removeIf(r -> positions[r] < head);
                    assertThat(log.firstPosition()).as("op %d %s: the head", i, op.label()).isEqualTo(head);
                }
                List<String> state = alive.stream().map(r -> render(positions[r], script.records.get(r))).toList();
                history.add(state);
                assertThat(readAll(log)).as("op %d %s: the log after the call", i, op.label()).isEqualTo(state);
                endOfOp[i] = sim.persistencePoints() - before;
            }
            long end = log.endPosition();
            assertThatThrownBy(() -> log.append(new byte[largest + 1])).as("a record larger than a segment")
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(log.endPosition()).as("the end after a refused append").isEqualTo(end);
        }
        for (int r = 1; r < positions.length; r++) {
            assertThat(positions[r]).as("position of record %d against the one before", r).isGreaterThan(positions[r - 1]);
        }
        return new Clean(positions, history, endOfOp);
    }

    /** Positions of an appended batch's records, read back from the first one on. */
    private static void learnPositions(PersistentLog<byte[]> log, Op op, long first, long[] positions, List<byte[]> records) {
        try (LogReader<byte[]> reader = log.reader(first)) {
            for (int r : op.records()) {
                assertThat(reader.hasNext()).as("%s: record %d readable", op.label(), r).isTrue();
                positions[r] = reader.position();
                assertThat(reader.next()).as("%s: record %d", op.label(), r).isEqualTo(records.get(r));
            }
        }
        assertThat(positions[op.records().getFirst()]).as("%s: the first record's position", op.label()).isEqualTo(first);
    }

    /** Replays the script with a power loss at {@code point}; verifies each crash image. */
    private static int crashAt(Script script, Clean clean, long point, long seed, int randomImages, String where) {
        try (SimulatedMemory sim = SimulatedMemory.create(poolBytes)) {
            int returned = 0;
            Pool pool = fresh(sim);
            try {
                PersistentLog<byte[]> log = PersistentLog.open(pool, LOG, Codecs.BYTES);
                sim.crashAtPoint(sim.persistencePoints() + point);
                for (Op op : script.ops) {
                    op.apply(log, clean.positions());
                    returned++;
                }
            } catch (SimulatedPowerLoss expected) {
                // stopped here
            }
            assertThat(sim.crashed()).as(where).isTrue();
            List<SimulatedMemory> crashImages = new ArrayList<>(List.of(sim.crashImageDurableOnly(), sim.crashImageEverything()));
            Random random = new Random(seed ^ point * 0x9E37_79B9L);
            for (int i = 0; i < randomImages; i++) {
                crashImages.add(sim.crashImage(random));
            }
            List<List<String>> allowed = clean.history().subList(returned, Math.min(clean.history().size(), returned + 2));
            for (int i = 0; i < crashImages.size(); i++) {
                try (SimulatedMemory image = crashImages.get(i)) {
                    verify(script, clean, returned, image, allowed, where + ", image " + i);
                }
            }
            return crashImages.size();
        }
    }

    private static void verify(Script script, Clean clean, int returned, SimulatedMemory image,
                               List<List<String>> allowed, String where) {
        try (Pool pool = Pool.attach(image.memory(), "image", TIMEOUT)) {
            PersistentLog<byte[]> log = PersistentLog.open(pool, LOG, Codecs.BYTES);
            List<String> seen = assertTimeoutPreemptively(NO_WAIT, () -> readAll(log),
                    () -> where + ": a reader's hasNext() waits");
            assertThat(allowed).as(where + ": the log after the last returned call, or after the one in flight").contains(seen);
            List<String> iterated = new ArrayList<>();
            assertTimeoutPreemptively(NO_WAIT, () -> log.forEach(r -> iterated.add(r.length + ":" + crc(r))),
                    () -> where + ": iterator() waits (it is weakly consistent, as of now); the reader saw " + seen
                            + ", head " + log.firstPosition() + ", end " + log.endPosition());
            assertThat(iterated).as(where + ": iterator()").isEqualTo(seen.stream().map(s -> s.substring(s.indexOf(':') + 1)).toList());
            for (int r : script.truncatedBy(returned)) {
                long position = clean.positions()[r];
                assertThatThrownBy(() -> log.read(position)).as(where + ": read of truncated record %d at %d", r, position)
                        .isInstanceOf(NoSuchElementException.class);
            }
            CheckReport report = pool.check();
            assertThat(report.isClean()).as(where + ": " + report).isTrue();
            assertThat(report.reachableBlocks()).as(where + ": reachable blocks").isEqualTo(report.allocatedBlocks());
            long end = log.endPosition();
            byte[] fresh = Script.bytes(77, 999);
            long position = log.append(fresh);
            assertThat(position).as(where + ": a new append's position").isGreaterThanOrEqualTo(end);
            assertThat(log.read(position)).as(where + ": the new append read back").isEqualTo(fresh);
            List<String> after = new ArrayList<>(seen);
            after.add(render(position, fresh));
            assertThat(readAll(log)).as(where + ": the log after a new append").isEqualTo(after);
        }
    }

    /** The log from its head, each record as {@code position:length:crc}, checking positions and {@code read}. */
    private static List<String> readAll(PersistentLog<byte[]> log) {
        List<String> all = new ArrayList<>();
        long last = Long.MIN_VALUE;
        try (LogReader<byte[]> reader = log.reader(log.firstPosition())) {
            while (reader.hasNext()) {
                long position = reader.position();
                assertThat(position).as("positions increase").isGreaterThan(last);
                byte[] record = reader.next();
                assertThat(log.read(position)).as("read(%d)", position).isEqualTo(record);
                all.add(render(position, record));
                last = position;
            }
            assertThat(reader.position()).as("a reader at the end").isEqualTo(log.endPosition());
        }
        return all;
    }

    private static String render(long position, byte[] record) {
        return position + ":" + record.length + ":" + crc(record);
    }

    private static long crc(byte[] record) {
        CRC32C crc = new CRC32C();
        crc.update(record);
        return crc.getValue();
    }

    private static Pool fresh(SimulatedMemory sim) {
        PoolHeader.format(sim.memory(), PoolSpec.of(poolBytes).withLanes(2).withLaneLogBytes(16384),
                UUID.randomUUID(), 0);
        return Pool.attach(sim.memory(), "simulated", TIMEOUT);
    }

    /**
     * The largest record {@code append} takes in a fresh log (one more byte is refused as larger
     * than a segment), found by doubling and bisection on small simulated pools.
     */
    private static int largestRecord() {
        int ok = 1;
        int refused = -1;
        for (int size = 2; size <= 1 << 26 && refused < 0; size *= 2) {
            if (accepts(size)) {
                ok = size;
            } else {
                refused = size;
            }
        }
        assertThat(refused).as("a record size the log refuses").isPositive();
        while (refused - ok > 1) {
            int mid = ok + (refused - ok) / 2;
            if (accepts(mid)) {
                ok = mid;
            } else {
                refused = mid;
            }
        }
        return ok;
    }

    private static boolean accepts(int size) {
        long bytes = roundUp(2L * size + (2 << 20), 1 << 20);
        try (SimulatedMemory sim = SimulatedMemory.create(bytes)) {
            PoolHeader.format(sim.memory(), PoolSpec.of(bytes).withLanes(2).withLaneLogBytes(16384), UUID.randomUUID(), 0);
            try (Pool pool = Pool.attach(sim.memory(), "probe", TIMEOUT)) {
                PersistentLog.open(pool, LOG, Codecs.BYTES).append(new byte[size]);
                return true;
            } catch (IllegalArgumentException refused) {
                return false;
            }
        }
    }

    private static long roundUp(long value, long unit) {
        return (value + unit - 1) / unit * unit;
    }

    /**
     * One log call.
     *
     * @param label      for messages
     * @param records    the script records it appends (empty for a truncation or an empty batch)
     * @param batch      whether it is an {@code appendAll}
     * @param truncateTo for a truncation, the script record to truncate to, or {@link #END}; else {@link #NONE}
     * @param data       the script's records' bytes
     */
    record Op(String label, List<Integer> records, boolean batch, int truncateTo, List<byte[]> data) {
        static final int NONE = -1, END = -2;

        /** @return the position append or appendAll returned, or the end (truncation) */
        long apply(PersistentLog<byte[]> log, long[] positions) {
            if (truncateTo != NONE) {
                log.truncateHead(truncateTo == END ? log.endPosition() : positions[truncateTo]);
                return log.endPosition();
            }
            if (batch) {
                Collection<byte[]> batchData = records.stream().map(data::get).toList();
                return log.appendAll(batchData);
            }
            return log.append(data.get(records.getFirst()));
        }
    }

    /** The calls: their records' bytes and, per call, the records truncated by the calls before it. */
    static final class Script {
        final List<byte[]> records = new ArrayList<>();
        final List<Op> ops = new ArrayList<>();
        private final int largest;

        Script(int largest) {
            this.largest = largest;
            build();
        }

        private void build() {
            int half = largest / 2 + 1;
            for (int size : new int[] {1, 2, 7, 8, 9, 15, 16, 17, 63, 64, 100, 1000, 4095}) {
                append(size);
            }
            batch(5, 6, 7);
            append(half);
            append(half);                                 // does not fit after the first: a skip, the next segment
            append(1);
            int crossing = batch(largest / 4, largest / 4, largest / 4); // crosses a segment end
            truncate(3, "inside the first segment");
            append(largest);
            truncate(crossing + 2, "past the first segment (freed)");
            append(33);
            batch();
            truncate(Op.END, "to the end");
            append(10);
            int a = append(half);
            append(half);
            truncate(a, "to a record after a skip");
            append(1);
            batch(3, largest / 2, 9);
        }

        private int append(int size) {
            int r = add(size);
            ops.add(new Op("append #" + r + " (" + size + " B)", List.of(r), false, Op.NONE, records));
            return r;
        }

        private int batch(int... sizes) {
            List<Integer> rs = new ArrayList<>();
            for (int size : sizes) {
                rs.add(add(size));
            }
            ops.add(new Op("appendAll " + rs + " " + Arrays.toString(sizes), rs, true, Op.NONE, records));
            return rs.isEmpty() ? -1 : rs.getFirst();
        }

        private void truncate(int record, String what) {
            ops.add(new Op("truncateHead " + (record == Op.END ? "end" : "#" + record) + " " + what, List.of(), false,
                    record, records));
        }

        private int add(int size) {
            records.add(bytes(size, records.size()));
            return records.size() - 1;
        }

        /** @return the records that the first {@code returned} calls appended and then truncated */
        List<Integer> truncatedBy(int returned) {
            List<Integer> appended = new ArrayList<>();
            List<Integer> gone = new ArrayList<>();
            for (int i = 0; i < returned; i++) {
                Op op = ops.get(i);
                appended.addAll(op.records());
                if (op.truncateTo() == Op.END) {
                    gone.addAll(appended);
                    appended.clear();
                } else if (op.truncateTo() != Op.NONE) {
                    int to = op.truncateTo();
                    appended.stream().filter(r -> r < to).forEach(gone::add);
                    appended.removeIf(r -> r < to);
                }
            }
            return gone;
        }

        static byte[] bytes(int size, int seed) {
            byte[] b = new byte[size];
            new Random(seed).nextBytes(b);
            return b;
        }
    }
}
