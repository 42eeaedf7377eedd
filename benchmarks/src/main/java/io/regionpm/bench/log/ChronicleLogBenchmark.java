package io.regionpm.bench.log;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Param;

/** Chronicle Queue ({@link PeerLogs}) in {@link LogBenchmark}, with Chronicle's flags for JDK 25. */
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
        "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "-Dchronicle.analytics.disable=true", "-Dchronicle.announcer.disable=true"})
public class ChronicleLogBenchmark extends LogBenchmark {
    /** A {@link PeerLogs} constant. */
    @Param({"CHRONICLE_SHM", "CHRONICLE_DISK"})
    public String log;

    /** Records per shot (capped at 256 MiB of payload). */
    @Param({"1000000"})
    public int records;

    @Override
    protected String logName() {
        return log;
    }

    @Override
    protected int recordCount() {
        return records;
    }
}
