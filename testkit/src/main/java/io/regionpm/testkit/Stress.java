package io.regionpm.testkit;

/**
 * Test sizes for the default run and for the {@code stress} Maven profile, which sets the
 * system property {@code pcollections.stress=true}.
 *
 * <p>Thread-safety: stateless.
 */
public final class Stress {
    private Stress() {
    }

    /** @return whether the stress profile is on */
    public static boolean enabled() {
        return Boolean.getBoolean("pcollections.stress");
    }

    /**
     * @param normal the size in the default run
     * @param stress the size under the stress profile
     * @return the one that applies
     */
    public static int scale(int normal, int stress) {
        return enabled() ? stress : normal;
    }
}
