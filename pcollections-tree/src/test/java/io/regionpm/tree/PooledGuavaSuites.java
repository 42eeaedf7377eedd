package io.regionpm.tree;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentNavigableMap;

import io.regionpm.core.Codecs;
import io.regionpm.core.Durability;
import io.regionpm.core.Pool;
import io.regionpm.core.PoolOptions;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.recovery.check.CheckReport;
import io.regionpm.testkit.Stress;
import io.regionpm.testkit.TempTrees;
import junit.extensions.TestSetup;
import junit.framework.Test;
import junit.framework.TestSuite;

/**
 * {@link SortedMapGuavaSuites} over a real tree: one NONE pool in {@code /dev/shm} per suite
 * (opened when the suite is built, checked clean, closed and deleted after its last case, or
 * at the JVM's exit if the suite never runs), a new
 * tree name per map the suite asks for, and the trees of a case dropped after it. The default
 * run covers one strategy per tree (the suite takes about half a minute); the stress profile
 * adds the other.
 */
final class PooledGuavaSuites {
    private PooledGuavaSuites() {
    }

    /**
     * @param kind         the tree
     * @param byDefault    the strategy of the default run
     * @return the suite: {@code byDefault}, and under the stress profile the other strategy too
     */
    static Test suite(TreeKind kind, UpdateStrategy byDefault) {
        TestSuite all = new TestSuite(kind + " Guava ConcurrentNavigableMap contract");
        for (UpdateStrategy s : List.of(UpdateStrategy.SHADOW, UpdateStrategy.IN_PLACE)) {
            if (s == byDefault || Stress.enabled()) {
                all.addTest(one(kind, s));
            }
        }
        return all;
    }

    private static Test one(TreeKind kind, UpdateStrategy strategy) {
        TreesInOnePool trees = new TreesInOnePool(kind, strategy);
        trees.open(); // building the suite already creates maps (samples for the derived suites)
        Test cases = SortedMapGuavaSuites.suite(kind + " " + strategy, trees::newMap, trees::dropAll);
        trees.dropAll();
        return new TestSetup(cases) {
            @Override
            protected void tearDown() {
                trees.close();
            }
        };
    }

    /** The pool of one suite and the trees its current case created. Confined to the suite's thread. */
    private static final class TreesInOnePool {
        /** Trees a case may use at once (Guava's testers use two or three). */
        static final int LIVE = 16;
        private final TreeKind kind;
        private final UpdateStrategy strategy;
        private final Deque<String> created = new ArrayDeque<>();
        private Path dir;
        private Pool pool;
        private long next;

        TreesInOnePool(TreeKind kind, UpdateStrategy strategy) {
            this.kind = kind;
            this.strategy = strategy;
        }

        void open() {
            dir = TempTrees.newShmDirectory(kind.name().toLowerCase() + "-guava");
            pool = Pool.open(dir.resolve("g.pool"), PoolOptions.create(64L << 20).withDurability(Durability.NONE));
            Path opened = dir;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> TempTrees.deleteTree(opened)));
        }

        ConcurrentNavigableMap<String, String> newMap() {
            boolean recycled = created.size() >= LIVE;
            String name = recycled ? created.pollFirst() : "g" + next++;
            created.addLast(name);
            AbstractSortedMap<String, String> map = kind.open(pool, name, Codecs.STRING_ORDERED, Codecs.STRING, strategy);
            if (recycled) {
                map.clear();
            }
            return map;
        }

        void dropAll() {
            for (String name : created) {
                pool.drop(name);
            }
            created.clear();
        }

        /** Checks the pool (every dropped tree freed, nothing leaked), closes and deletes it. */
        void close() {
            try {
                dropAll();
                CheckReport report = pool.check();
                if (!report.isClean()) {
                    throw new AssertionError(kind + " " + strategy + " after " + next + " trees: checker: " + report);
                }
            } finally {
                try {
                    pool.close();
                } finally {
                    TempTrees.deleteTree(dir);
                }
            }
        }
    }
}
