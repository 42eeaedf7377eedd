package io.regionpm.core;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.regionpm.testkit.ChildJvm;

import static org.assertj.core.api.Assertions.assertThat;

/** Two JVMs on one pool: names, regions and transactions of one are seen by the other at once. */
class SharingTest {
    @TempDir
    Path dir;

    /** Child: opens the pool, writes region "shared" and root slot 200 in a transaction, then waits. */
    public static final class Writer {
        public static void main(String[] args) throws Exception {
            try (Pool pool = Pool.open(Path.of(args[0]))) {
                MemorySegment r = pool.region("shared", 4096);
                r.set(ValueLayout.JAVA_LONG, 8, 4242L);
                pool.markDirty(r, 8, 8);
                long slot = pool.runtime().root().slot(200);
                pool.transaction(() -> pool.runtime().current().setLong(slot, 77));
                System.out.println("WRITTEN " + pool.stats().liveProcesses());
                new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
            }
            System.out.println("CLOSED");
        }
    }

    @Test
    void aSecondJvmSeesTheFirstOnesWorkAtOnce() {
        Path p = dir.resolve("shared.pool");
        try (Pool pool = Pool.open(p, PoolOptions.create(8L << 20).withLanes(8))) {
            try (ChildJvm child = ChildJvm.start(Writer.class, p.toString())) {
                assertThat(child.awaitLine("WRITTEN", Duration.ofSeconds(60))).isEqualTo("WRITTEN 2");
                assertThat(pool.names()).containsExactly("shared");
                assertThat(pool.region("shared", 4096).get(ValueLayout.JAVA_LONG, 8)).isEqualTo(4242L);
                assertThat(pool.runtime().memory().getLong(pool.runtime().root().slot(200))).isEqualTo(77);
                assertThat(pool.stats().liveProcesses()).isEqualTo(2);
                child.send("bye");
                child.awaitLine("CLOSED", Duration.ofSeconds(60));
                assertThat(child.awaitExit(Duration.ofSeconds(30))).isZero();
            }
            assertThat(pool.stats().liveProcesses()).isEqualTo(1);
        }
    }
}
