package io.regionpm.tree;

import io.regionpm.core.UpdateStrategy;
import junit.framework.Test;

/** Guava's {@code ConcurrentNavigableMap} contract suite over {@link PersistentBPlusTree} (SHADOW; IN_PLACE too under stress). */
public final class BPlusGuavaContractTest {
    private BPlusGuavaContractTest() {
    }

    /** @return the generated suite (JUnit 3 types, from the class path: "exports" lint) */
    @SuppressWarnings("exports")
    public static Test suite() {
        return PooledGuavaSuites.suite(TreeKind.BPLUS, UpdateStrategy.SHADOW);
    }
}
