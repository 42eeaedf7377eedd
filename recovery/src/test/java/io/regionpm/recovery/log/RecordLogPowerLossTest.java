package io.regionpm.recovery.log;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.regionpm.alloc.sim.SimulatedMemory;
import io.regionpm.alloc.sim.SimulatedPowerLoss;
import io.regionpm.testkit.Seeds;
import io.regionpm.testkit.Stress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Power loss at every flush and drain of a script of appends, flushes and truncates that
 * goes around a small buffer several times. Each crash image (durable words only, every
 * word, and random subsets of the pending words) recovers exactly the records whose flush
 * returned, plus possibly a prefix of those whose flush was under way, never a partial
 * record and never one from before the last truncate that returned. Then the recovered log
 * goes on: new records are appended after the recovered ones, and another crash image of
 * that recovers the old and the new records, and no leftover of the interrupted appends.
 */
class RecordLogPowerLossTest {
    private static final long BASE = 128;
    private static final long CAPACITY = 1024;
    private static final long MEMORY = 2048;

    @ParameterizedTest
    @EnumSource(LogKind.class)
    void everyPersistencePointRecoversTheCommittedRecords(LogKind kind) {
        long seed = Seeds.seed("RecordLogPowerLossTest." + kind);
        int steps = Stress.scale(150, 1000);
        int randomImages = Stress.scale(8, 40);
        long total = cleanRunPoints(kind, seed, steps);
        assertThat(total).as("the script has persistence points").isGreaterThan(100);
        int images = 0;
        for (long point = 1; point <= total; point++) {
            String context = kind + " seed " + seed + ", point " + point + "/" + total;
            Script script = new Script(seed, steps);
            try (SimulatedMemory sim = SimulatedMemory.create(MEMORY)) {
                RecordLog log = kind.format(sim.memory(), BASE, CAPACITY);
                sim.crashAtPoint(sim.persistencePoints() + point);
                try {
                    script.run(log);
                    fail("%s: no power loss", context);
                } catch (SimulatedPowerLoss expected) {
                    // the script stopped at this point
                }
                List<SimulatedMemory> crashImages = new ArrayList<>();
                crashImages.add(sim.crashImageDurableOnly());
                crashImages.add(sim.crashImageEverything());
                Random random = new Random(seed ^ point * 0x9E3779B97F4A7C15L);
                for (int i = 0; i < randomImages; i++) {
                    crashImages.add(sim.crashImage(random));
                }
                for (int i = 0; i < crashImages.size(); i++) {
                    try (SimulatedMemory image = crashImages.get(i)) {
                        verify(kind, image, script, random, context + ", image " + i);
                    }
                    images++;
                }
            }
        }
        System.out.println("RecordLogPowerLossTest " + kind + ": " + total + " points, " + images + " crash images verified");
    }

    private static long cleanRunPoints(LogKind kind, long seed, int steps) {
        try (SimulatedMemory sim = SimulatedMemory.create(MEMORY)) {
            RecordLog log = kind.format(sim.memory(), BASE, CAPACITY);
            long before = sim.persistencePoints();
            Script script = new Script(seed, steps);
            script.run(log);
            long points = sim.persistencePoints() - before;
            assertThat(script.passes).as("passes around the buffer").isGreaterThanOrEqualTo(4);
            Records.assertRecords(kind.reopen(sim.memory(), BASE, CAPACITY), script.committed, "clean run");
            return points;
        }
    }

    private static void verify(LogKind kind, SimulatedMemory image, Script script, Random random, String context) {
        RecordLog log = kind.open(image.memory(), BASE, CAPACITY);
        List<long[]> recovered = LogKind.recoverAll(log);
        boolean valid = Records.isPrefixPlusPartOf(recovered, script.committed, script.inFlight)
                || script.truncating && recovered.isEmpty();
        if (!valid) {
            fail("%s: recovered %d records; committed %d, in flight %d, truncating %s", context, recovered.size(),
                    script.committed.size(), script.inFlight.size(), script.truncating);
        }
        // The log goes on after recovery, first with records as long as the lost ones, so that
        // they end exactly where leftovers of the interrupted appends begin: none may follow.
        List<long[]> expected = new ArrayList<>(recovered);
        int recoveredInFlight = recovered.size() - script.committed.size();
        for (int i = Math.max(recoveredInFlight, 0); i < script.inFlight.size(); i++) {
            appendAndFlush(log, Records.random(random, script.inFlight.get(i).length), expected);
            try (SimulatedMemory now = image.crashImageDurableOnly()) {
                Records.assertRecords(kind.reopen(now.memory(), BASE, CAPACITY), expected,
                        context + ", after re-appending lost record " + i);
            }
        }
        // Then power fails again with the last of a few more appends unflushed.
        for (int i = 0; i < 4; i++) {
            appendAndFlush(log, Records.random(random, 1 + random.nextInt(24)), expected);
        }
        long[] unflushed = Records.random(random, 1 + random.nextInt(24));
        if (!log.append(unflushed, 0, unflushed.length)) {
            log.truncate();
            expected.clear();
            assertThat(log.append(unflushed, 0, unflushed.length)).isTrue();
        }
        try (SimulatedMemory again = image.crashImage(random)) {
            List<long[]> second = kind.reopen(again.memory(), BASE, CAPACITY);
            if (second.size() == expected.size() + 1) {
                second.removeLast();
            }
            Records.assertRecords(second, expected, context + ", after going on");
        }
    }

    private static void appendAndFlush(RecordLog log, long[] record, List<long[]> expected) {
        if (!log.append(record, 0, record.length)) {
            log.truncate();
            expected.clear();
            assertThat(log.append(record, 0, record.length)).isTrue();
        }
        log.flush();
        expected.add(record);
    }

    /**
     * The operations under test, from a seed, and what the contract promises at each instant:
     * {@code committed} records (flush returned, no truncate since), {@code inFlight} records
     * (appended, flush not yet returned) and whether a truncate is under way.
     */
    static final class Script {
        final List<long[]> committed = new ArrayList<>();
        final List<long[]> inFlight = new ArrayList<>();
        boolean truncating;
        long passes;
        private final long seed;
        private final int steps;

        Script(long seed, int steps) {
            this.seed = seed;
            this.steps = steps;
        }

        void run(RecordLog log) {
            Random random = new Random(seed);
            long bufferWords = log.capacityBytes() / Long.BYTES;
            long written = 0;
            for (int step = 0; step < steps; step++) {
                int appends = random.nextInt(4) == 0 ? 2 + random.nextInt(2) : 1;
                for (int i = 0; i < appends; i++) {
                    long[] record = Records.random(random, Records.length(random, 40));
                    long before = log.usedBytes();
                    if (!log.append(record, 0, record.length)) {
                        truncate(log);
                        before = 0;
                        if (!log.append(record, 0, record.length)) {
                            throw new AssertionError("append into an empty log refused");
                        }
                    }
                    written += (log.usedBytes() - before) / Long.BYTES;
                    inFlight.add(record);
                }
                int action = random.nextInt(10);
                if (action < 7) {
                    log.flush();
                    committed.addAll(inFlight);
                    inFlight.clear();
                } else if (action == 7) {
                    truncate(log);
                }
            }
            log.flush();
            committed.addAll(inFlight);
            inFlight.clear();
            passes = written / bufferWords;
        }

        private void truncate(RecordLog log) {
            truncating = true;
            log.truncate();
            truncating = false;
            committed.clear();
            inFlight.clear();
        }
    }
}
