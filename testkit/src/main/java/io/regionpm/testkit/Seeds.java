package io.regionpm.testkit;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Seeds for randomised tests: a fresh one per run unless {@code -Dpcollections.seed=N}
 * replays a failure. Every seed is printed with the command to replay it.
 *
 * <p>Thread-safety: stateless.
 */
public final class Seeds {
    private Seeds() {
    }

    /**
     * @param testName printed with the seed
     * @return the seed to use
     */
    public static long seed(String testName) {
        String fixed = System.getProperty("pcollections.seed");
        long seed = fixed != null ? Long.parseLong(fixed) : ThreadLocalRandom.current().nextLong();
        System.out.println("SEED " + testName + " = " + seed + " (rerun with -Dpcollections.seed=" + seed + ")");
        return seed;
    }
}
