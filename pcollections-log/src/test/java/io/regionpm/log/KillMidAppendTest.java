package io.regionpm.log;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.regionpm.core.Codecs;
import io.regionpm.core.Durability;
import io.regionpm.core.Pool;
import io.regionpm.core.PoolOptions;
import io.regionpm.recovery.check.CheckReport;
import io.regionpm.testkit.ChildJvm;
import io.regionpm.testkit.ChildMain;
import io.regionpm.testkit.Seeds;
import io.regionpm.testkit.Stress;
import io.regionpm.testkit.TempTrees;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A producer JVM appends {@link SelfCheckingRecord}s (printing {@code TRY seq} before each
 * append and {@code OK seq} after it returned) and is killed with SIGKILL at a random moment,
 * again and again; each incarnation is a new producer id counting its records from 0. A
 * consumer JVM tails the log with {@link LogReader#poll} the whole time and prints every
 * record it gets with the reader's position after it.
 *
 * <p>The consumer never gets a torn or foreign record (it rebuilds each one from its producer
 * and seq); after each kill it gets every record whose {@code OK} was printed, without waiting
 * for the next producer (a dead appender's hole never blocks it); what it got over the run is
 * exactly, in this order, each producer's records 0 .. ok-1, plus record {@code ok} once if
 * that producer printed its {@code TRY} but was killed before its {@code OK}, and finally the
 * end marker this JVM appends; the positions increase. This JVM reading the log from its head,
 * and a fresh JVM reopening the pool, see the same sequence at the same positions
 * ({@code read(position)} agreeing), and the pool checker is clean in both.
 */
class KillMidAppendTest {
    private static final String LOG = "events";
    /** Under 64 MiB, so the log's segments are small (128 KiB) and many records cross a segment end. */
    private static final long POOL = 62L << 20;
    /** The largest record drawn: a good share of a segment, so that records cross segment ends. */
    static final int LARGE = 48 << 10;
    private static final int END_PRODUCER = 1_000_000;
    private static final Duration START = Duration.ofSeconds(60);
    /** How long the consumer may take to deliver a record that was acknowledged. */
    private static final Duration DELIVERY = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(100);

    @TempDir
    Path diskDir;
    private Path shmDir;

    @BeforeEach
    void setUp() {
        shmDir = TempTrees.newShmDirectory("log-kill");
    }

    @AfterEach
    void tearDown() {
        TempTrees.deleteTree(shmDir);
    }

    static Stream<Arguments> configurations() {
        return Stream.of(Arguments.of(Durability.NONE, Stress.scale(20, 200)),
                Arguments.of(Durability.SYNC, Stress.scale(10, 60)));
    }

    /**
     * Child: opens the pool and the log, prints READY, then appends records of producer
     * {@code id} for ever, printing {@code TRY seq} before and {@code OK seq} after each.
     * Arguments: pool, producer id.
     */
    public static final class Producer {
        public static void main(String[] args) {
            ChildMain.run(() -> {
                int id = Integer.parseInt(args[1]);
                try (Pool pool = Pool.open(Path.of(args[0]))) {
                    PersistentLog<byte[]> log = PersistentLog.open(pool, LOG, Codecs.BYTES);
                    System.out.println("READY");
                    for (long seq = 0; ; seq++) {
                        byte[] record = SelfCheckingRecord.of(id, seq, LARGE);
                        System.out.println("TRY " + seq);
                        System.out.flush();
                        log.append(record);
                        System.out.println("OK " + seq);
                        System.out.flush();
                    }
                }
            });
        }
    }

    /**
     * Child: tails the log from its head with {@code poll}, checks every record and prints
     * {@code REC producer seq position-after}, until the end marker: then {@code DONE}.
     * Arguments: pool.
     */
    public static final class Consumer {
        public static void main(String[] args) {
            ChildMain.run(() -> {
                try (Pool pool = Pool.open(Path.of(args[0]))) {
                    PersistentLog<byte[]> log = PersistentLog.open(pool, LOG, Codecs.BYTES);
                    try (LogReader<byte[]> reader = log.reader(log.firstPosition())) {
                        System.out.println("READY");
                        while (true) {
                            byte[] record = reader.poll(POLL);
                            if (record != null) {
                                long[] id = SelfCheckingRecord.check(record, LARGE);
                                System.out.println("REC " + id[0] + " " + id[1] + " " + reader.position());
                                if (id[0] == END_PRODUCER) {
                                    break;
                                }
                            }
                        }
                    }
                }
                System.out.println("DONE");
            });
        }
    }

    /**
     * Child: reopens the pool, prints {@code REC producer seq position-after} for every record
     * from the head (checking {@code read} at each record's position), then
     * {@code CHECK <clean> <report>}. Arguments: pool.
     */
    public static final class Verifier {
        public static void main(String[] args) {
            ChildMain.run(() -> {
                try (Pool pool = Pool.open(Path.of(args[0]))) {
                    for (Seen seen : readAll(PersistentLog.open(pool, LOG, Codecs.BYTES))) {
                        System.out.println(seen.line());
                    }
                    CheckReport report = pool.check();
                    System.out.println("CHECK " + report.isClean() + " " + report);
                }
            });
        }
    }

    @ParameterizedTest(name = "{0} {1} kills")
    @MethodSource("configurations")
    void theConsumerSeesEveryReturnedAppendOnceAndNothingTorn(Durability durability, int kills) {
        String name = "KillMidAppendTest " + durability;
        long seed = Seeds.seed(name);
        Random random = new Random(seed);
        Path file = (durability == Durability.NONE ? shmDir : diskDir).resolve("log.pool");
        long started = System.nanoTime();
        List<Seen> consumed = new ArrayList<>();
        List<Killed> producers = new ArrayList<>();
        try (Pool pool = Pool.open(file, PoolOptions.create(POOL).withDurability(durability)
                .withLockTimeout(Duration.ofSeconds(30)));
             ChildJvm consumer = ChildJvm.start(Consumer.class, file.toString())) {
            PersistentLog<byte[]> log = PersistentLog.open(pool, LOG, Codecs.BYTES);
            consumer.awaitLine("READY", START);
            for (int producer = 1; producer <= kills; producer++) {
                String at = name + ", seed " + seed + ", producer " + producer;
                Killed killed = runAndKill(file, producer, random);
                producers.add(killed);
                if (killed.acknowledged() > 0) {
                    consumeUntil(consumer, consumed, producer, killed.acknowledged() - 1, at);
                }
            }
            log.append(SelfCheckingRecord.of(END_PRODUCER, 0, LARGE));
            consumeUntil(consumer, consumed, END_PRODUCER, 0, name + ", seed " + seed + ", end marker");
            consumer.awaitLine("DONE", DELIVERY);
            assertThat(consumer.awaitExit(START)).as("%s: the consumer's exit code", name).isZero();

            List<String> expected = expectedRecords(producers, consumed);
            assertThat(consumed.stream().map(Seen::id).toList())
                    .as("%s, seed %d: records the consumer got, against the OKs (and TRYs without OK)", name, seed)
                    .containsExactlyElementsOf(expected);
            for (int i = 1; i < consumed.size(); i++) {
                assertThat(consumed.get(i).positionAfter()).as("%s: positions after record %d and %d", name, i - 1, i)
                        .isGreaterThan(consumed.get(i - 1).positionAfter());
            }
            assertThat(readAll(log)).as("%s: the log read from its head in this JVM", name)
                    .containsExactlyElementsOf(consumed);
            CheckReport report = pool.check();
            assertThat(report.isClean()).as("%s: checker report %s", name, report).isTrue();
        }
        verifyInFreshJvm(file, consumed, name);
        long inFlight = producers.stream().filter(Killed::inFlight).count();
        long landed = consumed.size() - 1 - producers.stream().mapToLong(Killed::acknowledged).sum();
        System.out.printf("%s: %d kills, %d with an append in flight (%d of them landed), %d records in all, %d ms%n",
                name, kills, inFlight, landed, consumed.size(), (System.nanoTime() - started) / 1_000_000);
    }

    /** Starts a producer, lets it acknowledge a random number of appends, kills it at a random moment. */
    private static Killed runAndKill(Path file, int producer, Random random) {
        try (ChildJvm child = ChildJvm.start(Producer.class, file.toString(), Integer.toString(producer))) {
            child.awaitLine("READY", START);
            int acknowledged = random.nextInt(300);
            for (int i = 0; i < acknowledged; i++) {
                child.awaitLine("OK ", START);
            }
            LockSupport.parkNanos(random.nextInt(1_000_000));
            child.killHard();
            child.awaitOutputClosed(START);
            return Killed.parse(child.output());
        }
    }

    /** Reads the consumer's lines into {@code consumed} until it reports record {@code (producer, seq)}. */
    private static void consumeUntil(ChildJvm consumer, List<Seen> consumed, int producer, long seq, String at) {
        long deadline = System.nanoTime() + DELIVERY.toNanos();
        while (true) {
            Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
            String line = consumer.awaitLine("", left);
            assertThat(line).as("%s: the consumer's line (waiting for record %d %d); output:\n%s", at, producer, seq,
                    consumer.output()).startsWith("REC ");
            Seen seen = Seen.parse(line);
            consumed.add(seen);
            if (seen.producer() == producer && seen.seq() == seq) {
                return;
            }
        }
    }

    /**
     * What the consumer must have got: producer by producer, its acknowledged records, then its
     * in-flight record if there was one and the consumer got it (it landed whole: once, in its
     * place); finally the end marker.
     */
    private static List<String> expectedRecords(List<Killed> producers, List<Seen> consumed) {
        List<String> expected = new ArrayList<>();
        for (int p = 0; p < producers.size(); p++) {
            Killed killed = producers.get(p);
            int producer = p + 1;
            for (long seq = 0; seq < killed.acknowledged(); seq++) {
                expected.add(producer + " " + seq);
            }
            String inFlight = producer + " " + killed.acknowledged();
            if (killed.inFlight() && consumed.stream().anyMatch(s -> s.id().equals(inFlight))) {
                expected.add(inFlight);
            }
        }
        expected.add(END_PRODUCER + " 0");
        return expected;
    }

    /** Re-opens the pool in a new JVM: the same records at the same positions, a clean checker. */
    private static void verifyInFreshJvm(Path file, List<Seen> consumed, String name) {
        try (ChildJvm verifier = ChildJvm.start(Verifier.class, file.toString())) {
            List<Seen> reread = new ArrayList<>();
            for (int i = 0; i < consumed.size(); i++) {
                reread.add(Seen.parse(verifier.awaitLine("REC ", START)));
            }
            assertThat(reread).as("%s: the log in a fresh JVM", name).containsExactlyElementsOf(consumed);
            String check = verifier.awaitLine("CHECK", START);
            assertThat(check).as("%s: checker in a fresh JVM; output:\n%s", name, verifier.output())
                    .startsWith("CHECK true");
            assertThat(verifier.output()).as("%s: records in a fresh JVM", name)
                    .contains(consumed.getLast().line() + "\nCHECK");
            assertThat(verifier.awaitExit(START)).isZero();
        }
    }

    /**
     * Every record from the head with a non-waiting reader, each checked against
     * {@code read(position)}.
     */
    static List<Seen> readAll(PersistentLog<byte[]> log) {
        List<Seen> all = new ArrayList<>();
        try (LogReader<byte[]> reader = log.reader(log.firstPosition())) {
            while (reader.hasNext()) {
                long position = reader.position();
                byte[] record = reader.next();
                long[] id = SelfCheckingRecord.check(record, LARGE);
                assertThat(log.read(position)).as("read(%d), the position of record %d %d", position, id[0], id[1])
                        .isEqualTo(record);
                all.add(new Seen(id[0], id[1], reader.position()));
            }
        }
        return all;
    }

    /**
     * A record a reader got.
     *
     * @param producer      its producer
     * @param seq           its number
     * @param positionAfter the reader's position just after it
     */
    record Seen(long producer, long seq, long positionAfter) {
        static Seen parse(String line) {
            String[] f = line.split(" ");
            return new Seen(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]));
        }

        String id() {
            return producer + " " + seq;
        }

        String line() {
            return "REC " + producer + " " + seq + " " + positionAfter;
        }
    }

    /**
     * What a killed producer printed.
     *
     * @param acknowledged how many appends printed their {@code OK} (records 0 .. acknowledged-1)
     * @param inFlight     whether record {@code acknowledged} printed its {@code TRY} but no {@code OK}
     */
    private record Killed(long acknowledged, boolean inFlight) {
        static Killed parse(String output) {
            long ok = 0;
            long open = -1;
            for (String line : output.split("\n")) {
                if (line.startsWith("TRY ")) {
                    long seq = Long.parseLong(line.substring(4));
                    assertThat(open).as("a TRY follows an OK; output:\n%s", output).isEqualTo(-1);
                    assertThat(seq).as("TRYs count up from 0; output:\n%s", output).isEqualTo(ok);
                    open = seq;
                } else if (line.startsWith("OK ")) {
                    assertThat(Long.parseLong(line.substring(3))).as("an OK closes its TRY; output:\n%s", output)
                            .isEqualTo(open);
                    ok++;
                    open = -1;
                } else if (line.startsWith("FAILED")) {
                    throw new AssertionError("the producer failed before it was killed; output:\n" + output);
                }
            }
            return new Killed(ok, open >= 0);
        }
    }
}
