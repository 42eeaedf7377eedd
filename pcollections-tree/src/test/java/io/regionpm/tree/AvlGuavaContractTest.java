package io.regionpm.tree;

import io.regionpm.core.UpdateStrategy;
import junit.framework.Test;

/** Guava's {@code ConcurrentNavigableMap} contract suite over {@link PersistentAvlTree} (IN_PLACE; SHADOW too under stress). */
public final class AvlGuavaContractTest {
    private AvlGuavaContractTest() {
    }

    /** @return the generated suite (JUnit 3 types, from the class path: "exports" lint) */
    @SuppressWarnings("exports")
    public static Test suite() {
        return PooledGuavaSuites.suite(TreeKind.AVL, UpdateStrategy.IN_PLACE);
    }
}
