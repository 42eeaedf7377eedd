package io.regionpm.log;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

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
import io.regionpm.log.internal.LogRepair;
import io.regionpm.log.internal.RecordLayout;
import io.regionpm.recovery.log.Checksum64;
import io.regionpm.testkit.TempTrees;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The crash scan of {@link LogRepair#recover} (as after a power loss, when the announcing
 * slots are lost too): a reservation left with a zero header and torn payload bytes, or a
 * batch whose first header is PENDING or lost while a later record of it is complete,
 * becomes SKIP, the complete records after it survive, a partial batch never shows, and junk
 * beyond the tail is zeroed so later appends succeed.
 */
class RecoveryScanTest {
    private Path dir;

    @BeforeEach
    void setUp() {
        dir = TempTrees.newShmDirectory("log-scan");
    }

    @AfterEach
    void tearDown() {
        TempTrees.deleteTree(dir);
    }

    private static long address(PersistentMemory pm, LogEngine e, long position) {
        long h = e.header();
        int shift = LogHeader.shift(pm, h);
        int ring = LogHeader.ring(pm, h);
        long block = pm.getLongAcquire(LogHeader.ringSlot(h, (int) ((position >>> shift) & (ring - 1))));
        return block + (position & ((1L << shift) - 1));
    }

    /** Takes [tail, tail + extent) with no announcement left (as after a power loss). */
    private static long reserve(PersistentMemory pm, LogEngine e, long extent) {
        long t = e.tail();
        assertThat(pm.compareAndSetLong(LogHeader.tail(e.header()), t, t + extent)).isTrue();
        return t;
    }

    /** Writes a complete DATA record of a STRING codec at p (its header flags as given). */
    private static long writeRecord(PersistentMemory pm, LogEngine e, long p, String value, long flags) {
        byte[] bytes = Codecs.STRING.toBytes(value);
        long at = address(pm, e, p);
        pm.write(bytes, 0, at + RecordLayout.HEADER_BYTES, bytes.length);
        long header = RecordLayout.header(RecordLayout.DATA, bytes.length, 0) | flags;
        pm.setLong(at + RecordLayout.CHECKSUM, Checksum64.of(p, header, MemorySegment.ofArray(bytes), 0, bytes.length));
        pm.setLong(at, header);
        return RecordLayout.recordBytes(bytes.length);
    }

    @ParameterizedTest(name = "first header of the batch: {0}")
    @ValueSource(strings = {"torn single", "pending batch", "lost batch header"})
    void incompleteRecordsBecomeSkipsAndLaterCompleteRecordsSurvive(String kind) {
        try (Pool pool = Pool.open(dir.resolve("s.pool"), PoolOptions.create(64L << 20).withDurability(Durability.NONE))) {
            PersistentLog<String> log = PersistentLog.open(pool, "events", Codecs.STRING);
            PersistentMemory pm = pool.runtime().memory();
            LogEngine e = log.engine();
            log.append("a");
            long first = RecordLayout.recordBytes(Codecs.STRING.toBytes("x").length);
            long second = RecordLayout.recordBytes(Codecs.STRING.toBytes("torn batch part").length);
            long hole = reserve(pm, e, first + second);
            long at = address(pm, e, hole);
            if (kind.equals("torn single")) {
                pm.write("garbage!garbage!".getBytes(StandardCharsets.US_ASCII), 0, at + RecordLayout.HEADER_BYTES, 16);
            } else {
                writeRecord(pm, e, hole + first, "torn batch part", RecordLayout.CONTINUES);
                if (kind.equals("pending batch")) {
                    pm.setLong(at, RecordLayout.header(RecordLayout.PENDING, first + second, 0));
                }
            }
            log.append("b");
            long junk = address(pm, e, e.tail());
            pm.setLong(junk, 0x0123_4567_89AB_CDEFL);
            LogRepair.recover(e, true);
            assertThat(pm.getLong(junk)).as("junk beyond the tail zeroed").isZero();
            log.append("c");
            assertThat(log.stream().toList()).containsExactly("a", "b", "c");
            try (LogReader<String> reader = log.reader(0)) {
                assertThat(List.of(reader.next(), reader.next(), reader.next())).containsExactly("a", "b", "c");
            }
            assertThat(pool.check().isClean()).isTrue();
        }
    }
}
