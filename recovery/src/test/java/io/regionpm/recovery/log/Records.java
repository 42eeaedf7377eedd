package io.regionpm.recovery.log;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Random records and comparisons of record lists with short failure messages. */
final class Records {
    private Records() {
    }

    /** @return a record of {@code length} words mixing random values with edge patterns */
    static long[] random(Random random, int length) {
        long[] r = new long[length];
        int style = random.nextInt(8);
        for (int i = 0; i < length; i++) {
            r[i] = switch (style) {
                case 0 -> 0;
                case 1 -> -1;
                case 2 -> random.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE;
                case 3 -> 1L << random.nextInt(64);
                default -> random.nextLong();
            };
        }
        return r;
    }

    /** @return a length: mostly short, sometimes up to {@code max} */
    static int length(Random random, int max) {
        int bound = switch (random.nextInt(4)) {
            case 0 -> 8;
            case 1, 2 -> 64;
            default -> max;
        };
        return 1 + random.nextInt(Math.min(bound, max));
    }

    static void assertRecords(List<long[]> actual, List<long[]> expected, String context) {
        int common = Math.min(actual.size(), expected.size());
        for (int i = 0; i < common; i++) {
            if (!Arrays.equals(actual.get(i), expected.get(i))) {
                fail("%s: record %d of %d differs: got %d words, expected %d", context, i, expected.size(),
                        actual.get(i).length, expected.get(i).length);
            }
        }
        assertThat(actual.size()).as("%s: number of records recovered", context).isEqualTo(expected.size());
    }

    /** @return whether {@code actual} is {@code prefix} followed by a prefix of {@code optional} */
    static boolean isPrefixPlusPartOf(List<long[]> actual, List<long[]> prefix, List<long[]> optional) {
        if (actual.size() < prefix.size() || actual.size() > prefix.size() + optional.size()) {
            return false;
        }
        for (int i = 0; i < actual.size(); i++) {
            long[] want = i < prefix.size() ? prefix.get(i) : optional.get(i - prefix.size());
            if (!Arrays.equals(actual.get(i), want)) {
                return false;
            }
        }
        return true;
    }
}
