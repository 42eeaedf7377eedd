package io.regionpm.log;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.regionpm.core.Codecs;
import io.regionpm.core.Durability;
import io.regionpm.core.Pool;
import io.regionpm.core.PoolOptions;
import io.regionpm.testkit.ChildJvm;
import io.regionpm.testkit.ChildMain;
import io.regionpm.testkit.Seeds;
import io.regionpm.testkit.TempTrees;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A child JVM appending as fast as it can is killed with SIGKILL a few times while this JVM
 * keeps the pool open and tails the log: the reader never stalls on the dead appender's
 * reservation (it reaches the record this JVM appends after each kill), and every record it
 * sees is whole, each child's in sequence with none twice.
 */
class KilledAppenderTest {
    private static final Duration START = Duration.ofSeconds(60);
    private Path dir;

    @BeforeEach
    void setUp() {
        dir = TempTrees.newShmDirectory("log-kill");
    }

    @AfterEach
    void tearDown() {
        TempTrees.deleteTree(dir);
    }

    /** Appends "child run seq padding" records (single and in batches of 3) until killed. */
    public static final class Appender {
        private Appender() {
        }

        /** @param args pool path, run number */
        public static void main(String[] args) {
            ChildMain.run(() -> {
                try (Pool pool = Pool.open(Path.of(args[0]))) {
                    PersistentLog<String> log = PersistentLog.open(pool, "events", Codecs.STRING);
                    System.out.println("READY");
                    System.out.flush();
                    for (int seq = 0; ; ) {
                        if (seq % 7 == 0) {
                            log.appendAll(List.of(record(args[1], seq), record(args[1], seq + 1), record(args[1], seq + 2)));
                            seq += 3;
                        } else {
                            log.append(record(args[1], seq++));
                        }
                    }
                }
            });
        }
    }

    static String record(String run, int seq) {
        return "child " + run + " " + seq + " " + "x".repeat(seq % 300);
    }

    @Test
    void aTailingReaderPassesEveryKilledAppendersHole() throws Exception {
        Random random = new Random(Seeds.seed("KilledAppenderTest"));
        Path file = dir.resolve("k.pool");
        try (Pool pool = Pool.open(file, PoolOptions.create(256L << 20).withDurability(Durability.NONE))) {
            PersistentLog<String> log = PersistentLog.open(pool, "events", Codecs.STRING);
            try (LogReader<String> reader = log.reader(0)) {
                for (int run = 0; run < 3; run++) {
                    try (ChildJvm child = ChildJvm.start(Appender.class, file.toString(), Integer.toString(run))) {
                        child.awaitLine("READY", START);
                        Thread.sleep(50 + random.nextInt(200)); // let it append for a while: the kill lands mid-append
                        child.killHard();
                        child.awaitOutputClosed(START);
                    }
                    log.append("parent " + run);
                    readUpTo(reader, run);
                }
            }
            assertThat(pool.check().isClean()).isTrue();
        }
    }

    private static void readUpTo(LogReader<String> reader, int run) {
        int next = 0;
        while (true) {
            String r = reader.poll(Duration.ofSeconds(10));
            assertThat(r).as("run %d: the reader reaches this JVM's record after %d of the child's", run, next).isNotNull();
            if (r.equals("parent " + run)) {
                assertThat(next).as("run %d: the child appended", run).isPositive();
                return;
            }
            assertThat(r).as("run %d: record whole and in sequence", run).isEqualTo(record(Integer.toString(run), next));
            next++;
        }
    }
}
