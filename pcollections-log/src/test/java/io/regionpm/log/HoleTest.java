package io.regionpm.log;

import java.nio.file.Path;
import java.time.Duration;
import java.util.NoSuchElementException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.core.Codecs;
import io.regionpm.core.Durability;
import io.regionpm.core.Pool;
import io.regionpm.core.PoolOptions;
import io.regionpm.log.internal.LogEngine;
import io.regionpm.log.internal.LogHeader;
import io.regionpm.log.internal.RecordLayout;
import io.regionpm.testkit.TempTrees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A dead appender's reservation (announced in a lane's slot under a registration that is not
 * alive, the tail moved past it, its header left zero or PENDING) never blocks readers: a
 * reader waiting there turns it into a SKIP and reads the record appended after it; reopening
 * the pool repairs it at once.
 */
class HoleTest {
    private static final long EXTENT = 48;
    private Path dir;

    @BeforeEach
    void setUp() {
        dir = TempTrees.newShmDirectory("log-hole");
    }

    @AfterEach
    void tearDown() {
        TempTrees.deleteTree(dir);
    }

    private Pool open() {
        return Pool.open(dir.resolve("h.pool"), PoolOptions.create(64L << 20).withDurability(Durability.NONE));
    }

    /** Reserves EXTENT bytes at the tail as a dead appender in the last lane would; returns the position. */
    private static long abandonReservation(Pool pool, LogEngine e, boolean pending) {
        PersistentMemory pm = pool.runtime().memory();
        long h = e.header();
        int ring = LogHeader.ring(pm, h);
        int lane = LogHeader.lanes(pm, h) - 1;
        long slot = LogHeader.appendSlot(h, ring, lane);
        long t = e.tail();
        pm.setLong(LogHeader.slotExtent(slot), EXTENT);
        pm.setLong(LogHeader.slotEntry(slot), 0);
        pm.setLong(LogHeader.slotGeneration(slot), -12_345); // no live registration has it
        pm.setLongRelease(LogHeader.slotPosition(slot), t + 1);
        assertThat(pm.compareAndSetLong(LogHeader.tail(h), t, t + EXTENT)).isTrue();
        if (pending) {
            pm.setLongRelease(address(pm, e, t), RecordLayout.header(RecordLayout.PENDING, EXTENT, lane));
        }
        return t;
    }

    private static long address(PersistentMemory pm, LogEngine e, long position) {
        long h = e.header();
        int shift = LogHeader.shift(pm, h);
        int ring = LogHeader.ring(pm, h);
        long block = pm.getLongAcquire(LogHeader.ringSlot(h, (int) ((position >>> shift) & (ring - 1))));
        return block + (position & ((1L << shift) - 1));
    }

    @ParameterizedTest(name = "pending header: {0}")
    @ValueSource(booleans = {false, true})
    void aReaderSkipsADeadAppendersReservation(boolean pending) {
        try (Pool pool = open()) {
            PersistentLog<String> log = PersistentLog.open(pool, "events", Codecs.STRING);
            long first = log.append("before");
            long hole = abandonReservation(pool, log.engine(), pending);
            try (LogReader<String> reader = log.reader(first)) {
                assertThat(reader.poll(Duration.ofSeconds(1))).isEqualTo("before");
                long after = log.append("after");
                assertThat(after).isEqualTo(hole + EXTENT);
                assertThat(reader.poll(Duration.ofSeconds(5))).isEqualTo("after");
                assertThat(reader.position()).isEqualTo(log.endPosition());
            }
            long header = pool.runtime().memory().getLong(address(pool.runtime().memory(), log.engine(), hole));
            assertThat(RecordLayout.kind(header)).isEqualTo(RecordLayout.SKIP);
            assertThat(RecordLayout.length(header)).isEqualTo(EXTENT);
            assertThatThrownBy(() -> log.read(hole)).isInstanceOf(NoSuchElementException.class);
            assertThat(log.stream().toList()).containsExactly("before", "after");
            assertThat(pool.check().isClean()).isTrue();
        }
    }

    @ParameterizedTest(name = "pending header: {0}")
    @ValueSource(booleans = {false, true})
    void reopeningRepairsADeadAppendersReservation(boolean pending) {
        long hole;
        try (Pool pool = open()) {
            PersistentLog<String> log = PersistentLog.open(pool, "events", Codecs.STRING);
            log.append("before");
            hole = abandonReservation(pool, log.engine(), pending);
        }
        try (Pool pool = open()) {
            PersistentLog<String> log = PersistentLog.open(pool, "events", Codecs.STRING);
            long header = pool.runtime().memory().getLong(address(pool.runtime().memory(), log.engine(), hole));
            assertThat(RecordLayout.kind(header)).isEqualTo(RecordLayout.SKIP);
            log.append("after");
            try (LogReader<String> reader = log.reader(0)) {
                assertThat(reader.next()).isEqualTo("before");
                assertThat(reader.hasNext()).as("no wait at the repaired hole").isTrue();
                assertThat(reader.next()).isEqualTo("after");
            }
            assertThat(pool.check().isClean()).isTrue();
        }
    }

    @ParameterizedTest(name = "pending header: {0}")
    @ValueSource(booleans = {false, true})
    void truncationPastADeadAppendersReservationWorks(boolean pending) {
        try (Pool pool = open()) {
            PersistentLog<String> log = PersistentLog.open(pool, "events", Codecs.STRING);
            log.append("before");
            abandonReservation(pool, log.engine(), pending);
            long after = log.append("after");
            log.truncateHead(after);
            assertThat(log.stream().toList()).containsExactly("after");
        }
    }
}
