package io.regionpm.alloc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.regionpm.testkit.ChildJvm;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two real JVMs write disjoint pages of one {@code PMSYNC} pool; one pmsync (from either of
 * them, or from a third process) covers both; a power loss (both killed, the working files
 * deleted) keeps exactly what was written before the pmsync.
 */
class PmsyncTwoProcessTest {
    private static final long POOL_BYTES = 8L << 20;
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration REPLY = Duration.ofSeconds(30);
    private static final int PAGES = 16;

    @TempDir
    Path dir;

    private PmsyncFixture fx;
    private int first;

    @BeforeEach
    void createPool() {
        fx = PmsyncFixture.create(dir, POOL_BYTES, 8);
        first = fx.firstDataPage();
    }

    @AfterEach
    void deleteWorkingFiles() {
        fx.close();
    }

    private ChildJvm child(int lane, int firstPage) {
        ChildJvm c = ChildJvm.start(PmsyncChild.class, fx.pool.toString(), fx.workDir.toString(), Integer.toString(lane),
                Integer.toString(firstPage), Integer.toString(PAGES));
        return c;
    }

    private static void command(List<ChildJvm> children, String command, String reply) {
        for (ChildJvm c : children) {
            c.send(command);
        }
        for (ChildJvm c : children) {
            assertThat(c.awaitLine(reply, REPLY)).isNotNull();
        }
    }

    @Test
    void bothProcessesWritesBeforeThePmsyncSurviveAPowerLossAndNoneAfterIt() {
        try (ChildJvm a = child(0, first); ChildJvm b = child(1, first + PAGES)) {
            List<ChildJvm> both = List.of(a, b);
            for (ChildJvm c : both) {
                c.awaitLine("READY", START);
            }
            command(both, "WRITE 1", "WROTE 1");
            command(both, "WRITE 2", "WROTE 2");
            a.send("PMSYNC");
            String synced = a.awaitLine("PMSYNCED", REPLY);
            assertThat(synced).as("one pmsync wrote both processes' pages").endsWith(" " + 2 * PAGES);
            command(both, "WRITE 3", "WROTE 3");
            a.killHard();
            b.killHard();
            assertThat(a.output() + b.output()).doesNotContain("FAILED");
        }
        fx.powerLoss();
        try (PmsyncStore store = fx.open()) {
            for (int p = first; p < first + 2 * PAGES; p++) {
                assertThat(PmsyncPages.read(store.memory(), p)).as("page %d", p).isEqualTo(2);
            }
        }
    }

    /** @return the generation of the first operation reported done that is newer than {@code gen} */
    private static long awaitDoneAfter(ChildJvm child, long gen) {
        while (true) {
            long done = Long.parseLong(child.awaitLine("DONE", REPLY).substring(5));
            if (done > gen) {
                return done;
            }
        }
    }

    /**
     * Reads the pool file itself, which only pmsync writes: each writer's pages show one
     * whole operation, at least as new as the one reported done before the pmsync.
     *
     * @return each writer's generation in the pool file
     */
    private long[] assertWholeOperationsInThePoolFile(long[] atLeast, String context) {
        long[] gens = new long[2];
        try (Arena arena = Arena.ofConfined();
             FileChannel ch = FileChannel.open(fx.pool, StandardOpenOption.READ)) {
            MemorySegment file = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            for (int i = 0; i < 2; i++) {
                int base = first + i * PAGES;
                long gen = PmsyncPages.read(file.asSlice((long) base * 4096, 4096), base);
                assertThat(gen).as("%s: writer %d", context, i).isGreaterThanOrEqualTo(atLeast[i]);
                gens[i] = gen;
                for (int p = base; p < base + PAGES; p++) {
                    assertThat(PmsyncPages.read(file.asSlice((long) p * 4096, 4096), p))
                            .as("%s: writer %d page %d in the pool file: one whole operation", context, i, p)
                            .isEqualTo(gen);
                }
            }
            return gens;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aPmsyncFromAThirdProcessCapturesWholeOperationsOfTwoBusyWriters() {
        long[] atLeast = new long[2];
        try (ChildJvm a = child(0, first); ChildJvm b = child(1, first + PAGES);
             PmsyncStore store = fx.open()) {
            List<ChildJvm> both = List.of(a, b);
            for (ChildJvm c : both) {
                c.awaitLine("READY", START);
                c.send("LOOP");
            }
            PmsyncStats last = null;
            long[] inPoolFile = new long[2];
            for (int round = 0; round < 20; round++) {
                for (int i = 0; i < 2; i++) {
                    atLeast[i] = awaitDoneAfter(both.get(i), inPoolFile[i]);
                }
                last = store.pmsync();
                assertThat(last.pages()).as("round %d: pages of both writers", round).isGreaterThanOrEqualTo(2 * PAGES);
                inPoolFile = assertWholeOperationsInThePoolFile(atLeast, "round " + round);
            }
            System.out.println("PmsyncTwoProcessTest: last pmsync " + last);
            a.killHard();
            b.killHard();
            assertThat(a.output() + b.output()).doesNotContain("FAILED");
        }
        fx.powerLoss();
        try (PmsyncStore store = fx.open()) {
            for (int i = 0; i < 2; i++) {
                int base = first + i * PAGES;
                long gen = PmsyncPages.read(store.memory(), base);
                assertThat(gen).as("writer %d: an operation completed before the last pmsync", i)
                        .isGreaterThanOrEqualTo(atLeast[i]);
                for (int p = base; p < base + PAGES; p++) {
                    assertThat(PmsyncPages.read(store.memory(), p)).as("writer %d page %d: one whole operation", i, p)
                            .isEqualTo(gen);
                }
            }
        }
    }
}
