package io.regionpm.tree;

import io.regionpm.core.Codecs;
import junit.framework.Test;

/** Guava's {@code ConcurrentNavigableMap} contract suite over the heap fake store: the navigable layer alone. */
public final class HeapSortedMapGuavaContractTest {
    private HeapSortedMapGuavaContractTest() {
    }

    /** @return the generated suite (JUnit 3 types, from the class path: "exports" lint) */
    @SuppressWarnings("exports")
    public static Test suite() {
        return SortedMapGuavaSuites.suite("AbstractSortedMap over a heap store",
                () -> new HeapSortedMap<>(Codecs.STRING_ORDERED, Codecs.STRING), () -> { });
    }
}
