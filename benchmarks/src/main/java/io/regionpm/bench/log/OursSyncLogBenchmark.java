package io.regionpm.bench.log;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Param;

/**
 * Ours with a SYNC pool on disk ({@link OursLogs#OURS_SYNC_DISK}) in {@link LogBenchmark}: every
 * append durable on return, so a shot is 2,000 records by default (a million would take minutes
 * per shot). Run its {@code append} only; its {@code read} is the same code as the PMSYNC row's.
 */
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class OursSyncLogBenchmark extends LogBenchmark {
    /** An {@link OursLogs} constant. */
    @Param({"OURS_SYNC_DISK"})
    public String log;

    /** Records per shot. */
    @Param({"2000"})
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
