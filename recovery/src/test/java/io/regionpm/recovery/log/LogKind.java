package io.regionpm.recovery.log;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.regionpm.alloc.PersistentMemory;

/** The two implementations, for parameterised tests. */
enum LogKind {
    TORNBIT {
        @Override
        RecordLog format(PersistentMemory pm, long base, long capacity) {
            return TornbitLog.format(pm, base, capacity);
        }

        @Override
        RecordLog open(PersistentMemory pm, long base, long capacity) {
            return TornbitLog.open(pm, base, capacity);
        }

        @Override
        long recordWords(int count) {
            return TornbitLog.recordWords(count);
        }
    },
    CHECKSUM {
        @Override
        RecordLog format(PersistentMemory pm, long base, long capacity) {
            return ChecksumLog.format(pm, base, capacity);
        }

        @Override
        RecordLog open(PersistentMemory pm, long base, long capacity) {
            return ChecksumLog.open(pm, base, capacity);
        }

        @Override
        long recordWords(int count) {
            return ChecksumLog.recordWords(count);
        }
    };

    abstract RecordLog format(PersistentMemory pm, long base, long capacity);

    abstract RecordLog open(PersistentMemory pm, long base, long capacity);

    /** @return buffer words one record of {@code count} words takes, framing included */
    abstract long recordWords(int count);

    /** Opens the region, recovers it and returns the records, each copied. */
    List<long[]> reopen(PersistentMemory pm, long base, long capacity) {
        return recoverAll(open(pm, base, capacity));
    }

    /** Recovers {@code log} and returns the records, each copied. */
    static List<long[]> recoverAll(RecordLog log) {
        List<long[]> out = new ArrayList<>();
        int count = log.recover((words, from, n) -> out.add(Arrays.copyOfRange(words, from, from + n)));
        if (count != out.size()) {
            throw new AssertionError("recover returned " + count + " but visited " + out.size());
        }
        return out;
    }

    /** An upper bound, for both kinds, of the buffer words a record of {@code count} words takes. */
    static long maxFootprint(int count) {
        return count + 2L + (count + 62) / 63;
    }
}
