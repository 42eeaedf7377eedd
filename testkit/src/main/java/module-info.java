/**
 * Shared test support for every pcollections module: child JVMs, seeds, stress scaling.
 * Depends on no other pcollections module (their tests depend on this one).
 */
module io.regionpm.testkit {
    requires transitive org.junit.jupiter.api;
    requires transitive org.assertj.core;

    exports io.regionpm.testkit;
}
