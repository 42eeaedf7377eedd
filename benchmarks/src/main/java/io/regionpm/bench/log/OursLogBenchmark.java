package io.regionpm.bench.log;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Param;

/** Ours ({@link OursLogs}: NONE on /dev/shm, PMSYNC every 1000 on disk) in {@link LogBenchmark}. */
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class OursLogBenchmark extends LogBenchmark {
    /** An {@link OursLogs} constant. */
    @Param({"OURS_NONE_SHM", "OURS_PMSYNC1000_DISK"})
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
