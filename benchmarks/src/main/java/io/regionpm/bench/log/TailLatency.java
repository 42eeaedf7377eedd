package io.regionpm.bench.log;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Tail latency across JVMs (issue 6): the producer in this JVM, the consumer in a child JVM that
 * this harness starts on the same class path (not JMH: JMH forks one JVM per trial and has no
 * notion of a second process).
 *
 * <pre>
 * java FLAGS -cp benchmarks/target/benchmarks.jar io.regionpm.bench.log.TailLatency LOG [recordBytes] [records] [ratePerSecond] [warmupRecords] [poll|spin]
 * </pre>
 * {@code LOG} is a {@link LogKind} constant (defaults: 128 B, 200,000 records, 50,000 records/s,
 * the first 50,000 not counted). The producer creates the log, starts the consumer JVM, waits
 * for it to say it is reading, then appends {@code records} records at a fixed rate (busy-waiting
 * between appends), each stamped with {@code System.nanoTime()} (CLOCK_MONOTONIC, one clock for
 * every process on the machine) just before {@code append} and its sequence number. The consumer
 * polls its reader (ours: {@code LogReader.poll(Duration)}, whatever waiting that does; Chronicle:
 * a busy-spinning tailer, Chronicle's own way), or with {@code spin} busy-spins on
 * {@link LogUnderTest.Reader#next()} (ours: {@code hasNext()}/{@code next()}) for both, and records {@code nanoTime() - stamp} per record,
 * checks that sequence numbers come in order with none missing or repeated, and prints
 * percentiles. Latency = append + publication + the consumer's wake-up + reading the record.
 * Both JVMs get every peer's flags ({@code --add-exports}/{@code --add-opens} for Chronicle).
 */
public final class TailLatency {
    private TailLatency() {
    }

    /** JVM flags for the consumer (Chronicle's from shared/notes/peers-on-jdk25.md; harmless for ours). */
    static final List<String> CHILD_FLAGS = List.of("--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "-Dchronicle.analytics.disable=true", "-Dchronicle.announcer.disable=true");

    /**
     * @param args {@code LOG [recordBytes] [records] [ratePerSecond] [warmupRecords]}, or
     *             {@code --consume LOG dir maxBytes records warmupRecords} in the child
     * @throws Exception on any failure
     */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--consume")) {
            consume(LogKind.byName(args[1]), Path.of(args[2]), Long.parseLong(args[3]), Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]), args[6].equals("spin"));
            return;
        }
        if (args.length < 1) {
            System.err.println("usage: TailLatency LOG [recordBytes] [records] [ratePerSecond] [warmupRecords]");
            System.exit(64);
        }
        LogKind kind = LogKind.byName(args[0]);
        int recordBytes = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int records = args.length > 2 ? Integer.parseInt(args[2]) : 200_000;
        int rate = args.length > 3 ? Integer.parseInt(args[3]) : 50_000;
        int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 50_000;
        String wait = args.length > 5 ? args[5] : "poll";
        if (!wait.equals("poll") && !wait.equals("spin")) {
            throw new IllegalArgumentException("poll or spin, not " + wait);
        }
        if (recordBytes < 16) {
            throw new IllegalArgumentException("recordBytes must be at least 16 (stamp and sequence number)");
        }
        long maxBytes = (long) records * recordBytes;
        try (LogUnderTest log = kind.create(maxBytes)) {
            List<String> cmd = new ArrayList<>();
            cmd.add(ProcessHandle.current().info().command().orElse("java"));
            cmd.addAll(CHILD_FLAGS);
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), TailLatency.class.getName(), "--consume",
                    kind.name(), log.dir.toString(), Long.toString(maxBytes), Integer.toString(records),
                    Integer.toString(warmup), wait));
            Process child = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.equals("READY")) {
                System.out.println(line);
            }
            if (line == null) {
                throw new IllegalStateException("consumer exited before reading: " + child.waitFor());
            }
            byte[] rec = new byte[recordBytes];
            for (int i = 16; i < recordBytes; i++) {
                rec[i] = (byte) (i * 31);
            }
            long interval = TimeUnit.SECONDS.toNanos(1) / rate;
            long start = System.nanoTime();
            for (int i = 0; i < records; i++) {
                long due = start + i * interval;
                long now;
                while ((now = System.nanoTime()) - due < 0) {
                    Thread.onSpinWait();
                }
                putLong(rec, 0, now);
                putLong(rec, 8, i);
                log.append(rec);
                log.afterAppend();
            }
            log.finish();
            double secs = (System.nanoTime() - start) / 1e9;
            while ((line = out.readLine()) != null) {
                System.out.println(line);
            }
            int rc = child.waitFor();
            System.out.printf("producer: %s, %d records of %d B in %.2f s (%.0f records/s asked %d), consumer %s, exit %d%n",
                    kind.name(), records, recordBytes, secs, records / secs, rate, wait, rc);
            if (rc != 0) {
                System.exit(1);
            }
        }
    }

    private static void consume(LogKind kind, Path dir, long maxBytes, int records, int warmup, boolean spin) {
        long[] lat = new long[Math.max(0, records - warmup)];
        int errors = 0;
        try (LogUnderTest log = kind.attach(dir, maxBytes); LogUnderTest.Reader r = log.reader()) {
            System.out.println("READY");
            System.out.flush();
            long timeout = TimeUnit.SECONDS.toNanos(30);
            for (int i = 0; i < records; i++) {
                byte[] rec;
                if (spin) {
                    long deadline = System.nanoTime() + timeout;
                    while ((rec = r.next()) == null && System.nanoTime() - deadline < 0) {
                        Thread.onSpinWait();
                    }
                } else {
                    rec = r.poll(timeout);
                }
                long now = System.nanoTime();
                if (rec == null) {
                    System.out.println("consumer: timed out at record " + i);
                    System.exit(2);
                }
                long seq = getLong(rec, 8);
                if (seq != i) {
                    errors++;
                }
                if (i >= warmup) {
                    lat[i - warmup] = now - getLong(rec, 0);
                }
            }
        }
        Arrays.sort(lat);
        System.out.printf("| %s | %s | %d | %s | %s | %s | %s | %s | %s | %d |%n", kind.name(), spin ? "spin" : "poll", lat.length, us(lat, 0.5),
                us(lat, 0.9), us(lat, 0.99), us(lat, 0.999), us(lat, 0.9999), us(lat, 1.0), errors);
        System.out.flush();
        if (errors != 0) {
            System.exit(3);
        }
    }

    private static String us(long[] sorted, double q) {
        if (sorted.length == 0) {
            return "-";
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return String.format("%.1f", sorted[Math.max(0, i)] / 1e3);
    }

    private static void putLong(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    private static long getLong(byte[] b, int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[off + i] & 0xFF);
        }
        return v;
    }
}
