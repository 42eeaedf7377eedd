/** Shared test support for every pcollections module: child JVMs, seeds, stress scaling. */
module io.regionpm.testkit {
    exports io.regionpm.testkit;
}
