package io.regionpm.hash;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.regionpm.alloc.PoolHeader;
import io.regionpm.alloc.PoolSpec;
import io.regionpm.alloc.sim.SimulatedMemory;
import io.regionpm.alloc.sim.SimulatedPowerLoss;
import io.regionpm.core.Codecs;
import io.regionpm.core.Pool;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.hash.internal.KeyHash;
import io.regionpm.recovery.check.CheckReport;
import io.regionpm.testkit.Seeds;
import io.regionpm.testkit.Stress;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PersistentHashMap} and {@link PersistentLongLongHashMap} under simulated power loss,
 * for SHADOW and IN_PLACE: a fixed script of map calls (inserts into one stripe that split
 * buckets and allocate new bucket chunks, same-size and resizing updates, values moving in
 * and out of line, removes, compute, merge) is crashed at its persistence points, each crash
 * image keeping none, all, or random subsets of the unflushed words. After recovery the map
 * holds every call that returned and the call in flight either wholly or not at all (its
 * oracle state before or after it), as seen by iteration, {@code size()} and gets; the pool
 * checker is clean; the map takes a new insertion.
 *
 * <p>Every point of the "focus" calls is crashed: a window of three calls around each chunk
 * allocation, and the calls that update in place, resize a value, move it in or out of line,
 * remove, compute or merge (several of which split too); of the other calls (mostly plain
 * inserts, many of which split), a random sample of points (the seed is printed). The stress
 * profile crashes every point of every call, with more random images.
 */
class HashMapPowerLossTest {
    private static final long POOL = 1L << 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int OUT_OF_LINE = 3000;

    /** The two map kinds. */
    enum Kind { ENCODED, LONG_LONG }

    static Stream<Arguments> configurations() {
        return Stream.of(UpdateStrategy.SHADOW, UpdateStrategy.IN_PLACE)
                .flatMap(s -> Stream.of(Kind.values()).map(k -> Arguments.of(s, k)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("configurations")
    void everyReturnedCallSurvivesAndTheOneInFlightIsWholeOrAbsent(UpdateStrategy strategy, Kind kind) {
        if (kind == Kind.ENCODED) {
            run(new EncodedScript(), strategy);
        } else {
            run(new LongLongScript(), strategy);
        }
    }

    private static <K, V> void run(Script<K, V> script, UpdateStrategy strategy) {
        String name = "HashMapPowerLossTest." + strategy + "." + script.getClass().getSimpleName();
        long seed = Seeds.seed(name);
        Random sampler = new Random(seed);
        int randomImages = Stress.scale(4, 12);
        double sampleRate = Stress.enabled() ? 1.0 : 0.25;

        List<Op<K, V>> ops = script.ops();
        List<Map<String, String>> history = new ArrayList<>();
        long[] endOfOp = new long[ops.size()];
        try (SimulatedMemory sim = SimulatedMemory.create(POOL)) {
            Pool pool = fresh(sim);
            Map<K, V> map = script.open(pool, strategy);
            long before = sim.persistencePoints();
            Map<K, V> oracle = new HashMap<>();
            history.add(script.render(oracle));
            for (int i = 0; i < ops.size(); i++) {
                Op<K, V> op = ops.get(i);
                Object expected = op.onOracle().apply(oracle);
                assertThat(show(op.onMap().apply(map))).as("op %d %s: result", i, op.label()).isEqualTo(show(expected));
                history.add(script.render(oracle));
                endOfOp[i] = sim.persistencePoints() - before;
            }
            assertThat(script.render(map)).as("the map after the clean run").isEqualTo(history.getLast());
            pool.close();
        }
        assertThat(ops.stream().filter(op -> op.label().contains("chunk")).count())
                .as("calls of the script that allocate a bucket chunk").isGreaterThanOrEqualTo(2);
        assertThat(ops.stream().filter(op -> op.label().contains("split")).count())
                .as("calls of the script that split a bucket").isGreaterThanOrEqualTo(10);

        long total = endOfOp[ops.size() - 1];
        int images = 0;
        int points = 0;
        int op = 0;
        for (long point = 1; point <= total; point++) {
            while (endOfOp[op] < point) {
                op++;
            }
            if (!ops.get(op).focus() && sampler.nextDouble() >= sampleRate) {
                continue;
            }
            points++;
            images += crashAt(script, strategy, point, seed, randomImages, history,
                    "seed " + seed + ", point " + point + "/" + total + " (in op " + op + " " + ops.get(op).label() + ")");
        }
        System.out.println(name + ": " + ops.size() + " calls, " + total + " persistence points, " + points
                + " crashed, " + images + " crash images verified");
        if (Stress.enabled()) {
            assertThat(points).as("crashed persistence points").isEqualTo(total);
        }
        assertThat(images).isGreaterThanOrEqualTo(Stress.scale(1_500, 8_000));
    }

    /** Replays the script with a power loss at {@code point}; verifies each crash image. */
    private static <K, V> int crashAt(Script<K, V> script, UpdateStrategy strategy, long point, long seed, int randomImages,
                                      List<Map<String, String>> history, String where) {
        try (SimulatedMemory sim = SimulatedMemory.create(POOL)) {
            Pool pool = fresh(sim);
            Map<K, V> map = script.open(pool, strategy);
            sim.crashAtPoint(sim.persistencePoints() + point);
            int returned = 0;
            try {
                for (Op<K, V> op : script.ops()) {
                    op.onMap().apply(map);
                    returned++;
                }
            } catch (SimulatedPowerLoss expected) {
                // stopped here
            }
            assertThat(sim.crashed()).as(where).isTrue();
            List<SimulatedMemory> crashImages = new ArrayList<>(List.of(sim.crashImageDurableOnly(), sim.crashImageEverything()));
            Random random = new Random(seed ^ point * 0x9E37_79B9L);
            for (int i = 0; i < randomImages; i++) {
                crashImages.add(sim.crashImage(random));
            }
            List<Map<String, String>> allowed = history.subList(returned, Math.min(history.size(), returned + 2));
            for (int i = 0; i < crashImages.size(); i++) {
                try (SimulatedMemory image = crashImages.get(i)) {
                    verify(script, strategy, image, allowed, where + ", image " + i);
                }
            }
            return crashImages.size();
        }
    }

    private static <K, V> void verify(Script<K, V> script, UpdateStrategy strategy, SimulatedMemory image,
                                      List<Map<String, String>> allowed, String where) {
        try (Pool pool = Pool.attach(image.memory(), "image", TIMEOUT)) {
            Map<K, V> map = script.open(pool, strategy);
            Map<String, String> seen = new TreeMap<>();
            for (Map.Entry<K, V> e : map.entrySet()) {
                assertThat(seen.put(String.valueOf(e.getKey()), show(e.getValue()))).as(where + ": iterated twice: " + e.getKey()).isNull();
            }
            assertThat(allowed).as(where + ": the state after the last returned call, or after the one in flight").contains(seen);
            assertThat(map.size()).as(where + ": size()").isEqualTo(seen.size());
            TreeSet<K> keys = new TreeSet<>(script.keysOfInterest());
            for (K key : keys) {
                assertThat(show(map.get(key))).as(where + ": get " + key).isEqualTo(seen.get(String.valueOf(key)));
            }
            CheckReport report = pool.check();
            assertThat(report.isClean()).as(where + ": " + report).isTrue();
            assertThat(report.reachableBlocks()).as(where + ": reachable blocks").isEqualTo(report.allocatedBlocks());
            K fresh = script.freshKey();
            V value = script.freshValue();
            map.put(fresh, value);
            assertThat(show(map.get(fresh))).as(where + ": a put after recovery").isEqualTo(show(value));
            assertThat(map.size()).as(where + ": size after a put after recovery").isEqualTo(seen.size() + 1);
        }
    }

    private static Pool fresh(SimulatedMemory sim) {
        PoolHeader.format(sim.memory(), PoolSpec.of(POOL).withLanes(2).withLaneLogBytes(16384), UUID.randomUUID(), 0);
        return Pool.attach(sim.memory(), "simulated", TIMEOUT);
    }

    static String show(Object value) {
        if (value == null) {
            return null;
        }
        return value instanceof byte[] b ? b.length + ":" + HexFormat.of().formatHex(b) : value.toString();
    }

    /**
     * One map call, applied to the map and to a {@link HashMap} oracle.
     *
     * @param label    for messages; names "split" and "chunk" when the call does them
     * @param focus    whether every persistence point of it is crashed in the default run
     * @param onMap    the call on the persistent map
     * @param onOracle the same call on the oracle
     */
    record Op<K, V>(String label, boolean focus, Function<Map<K, V>, Object> onMap, Function<Map<K, V>, Object> onOracle) {
    }

    /**
     * A map kind's script: keys chosen by hash so that most land in stripe 0 (whose 16 buckets
     * then split, and whose split pointer wraps twice, allocating chunks 1 and 2), plus a few
     * in other stripes.
     */
    abstract static class Script<K, V> {
        private final List<Op<K, V>> ops = new ArrayList<>();
        private final Map<K, V> model = new HashMap<>();
        /** Stripe 0's buckets in use, as linear hashing grows it. */
        private long buckets = MapOpener.BASE_BUCKETS;
        /** Whether the last call added allocated a chunk (the window around one is in focus). */
        private boolean afterChunk;

        abstract Map<K, V> open(Pool pool, UpdateStrategy strategy);

        /** @return the script's i-th key in stripe 0 */
        abstract K stripeZero(int i);

        /** @return the script's i-th key outside stripe 0 */
        abstract K elsewhere(int i);

        abstract void build();

        /** @return a key the script never uses */
        abstract K freshKey();

        abstract V freshValue();

        final List<Op<K, V>> ops() {
            if (ops.isEmpty()) {
                build();
            }
            return ops;
        }

        /** Every key the script touches, and one it never does. */
        final List<K> keysOfInterest() {
            List<K> keys = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                keys.add(stripeZero(i));
            }
            for (int i = 0; i < 4; i++) {
                keys.add(elsewhere(i));
            }
            keys.add(freshKey());
            return keys;
        }

        final Map<String, String> render(Map<K, V> map) {
            Map<String, String> out = new TreeMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), show(v)));
            return out;
        }

        /** Adds a call that every map kind has (applied alike to the map and the oracle). */
        final void add(String label, boolean focus, Function<Map<K, V>, Object> call) {
            add(label, focus, call, call);
        }

        /**
         * Adds a call, labelled with the split or chunk allocation it makes in stripe 0 (found
         * by running it on a model of the stripe's linear hashing).
         */
        final void add(String label, boolean focus, Function<Map<K, V>, Object> onMap, Function<Map<K, V>, Object> onOracle) {
            int sizeBefore = model.size();
            long inStripeBefore = model.keySet().stream().filter(this::inStripeZero).count();
            onOracle.apply(model);
            long inStripe = model.keySet().stream().filter(this::inStripeZero).count();
            String growth = "";
            boolean chunk = false;
            if (inStripe > inStripeBefore && inStripe > buckets) {
                chunk = Long.bitCount(buckets) == 1;
                growth = chunk ? " +split +chunk" : " +split";
                buckets++;
            }
            assertThat(model.size() - sizeBefore).as(label).isBetween(-1, 1);
            if (chunk && !ops.isEmpty()) {
                Op<K, V> previous = ops.removeLast();
                ops.add(new Op<>(previous.label(), true, previous.onMap(), previous.onOracle()));
            }
            ops.add(new Op<>(label + growth, focus || chunk || afterChunk, onMap, onOracle));
            afterChunk = chunk;
        }

        private boolean inStripeZero(K key) {
            for (int i = 0; i < 64; i++) {
                if (stripeZero(i).equals(key)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** {@code PersistentHashMap<String, byte[]>}. */
    static final class EncodedScript extends Script<String, byte[]> {
        private final List<String> zero = new ArrayList<>();
        private final List<String> other = new ArrayList<>();

        EncodedScript() {
            for (int i = 0; zero.size() < 64 || other.size() < 4; i++) {
                String key = "key-" + i;
                byte[] encoding = Codecs.STRING.toBytes(key);
                if (KeyHash.of(encoding, encoding.length) >>> (64 - Integer.numberOfTrailingZeros(MapOpener.STRIPES)) == 0) {
                    if (zero.size() < 64) {
                        zero.add(key);
                    }
                } else if (other.size() < 4) {
                    other.add(key);
                }
            }
        }

        @Override
        Map<String, byte[]> open(Pool pool, UpdateStrategy strategy) {
            return PersistentHashMap.open(pool, "m", Codecs.STRING, Codecs.BYTES, strategy);
        }

        @Override
        String stripeZero(int i) {
            return zero.get(i);
        }

        @Override
        String elsewhere(int i) {
            return other.get(i);
        }

        @Override
        String freshKey() {
            return "never-in-the-script";
        }

        @Override
        byte[] freshValue() {
            return bytes(16, 99);
        }

        private static byte[] bytes(int n, int seed) {
            byte[] b = new byte[n];
            new Random(seed).nextBytes(b);
            return b;
        }

        private void put(String key, byte[] v, boolean focus, String what) {
            add("put " + key + " " + what + " (" + v.length + " B)", focus, m -> m.put(key, v));
        }

        @Override
        void build() {
            for (int i = 0; i < 16; i++) {
                put(zero.get(i), bytes(8, i), false, "new");
            }
            put(zero.get(16), bytes(8, 16), true, "new");
            put(zero.get(17), bytes(OUT_OF_LINE, 17), true, "new out of line");
            put(zero.get(3), bytes(8, 103), true, "same size");
            put(zero.get(4), bytes(24, 104), true, "other size");
            put(zero.get(17), bytes(OUT_OF_LINE, 117), true, "out of line, same size");
            put(zero.get(5), bytes(OUT_OF_LINE + 500, 105), true, "inline to out of line");
            put(zero.get(17), bytes(8, 217), true, "out of line to inline");
            add("remove " + zero.get(6), true, m -> m.remove(zero.get(6)));
            add("remove absent", false, m -> m.remove(zero.get(60)));
            add("compute same size", true, m -> m.compute(zero.get(7), (k, v) -> bytes(8, 107)));
            add("compute to null (remove)", true, m -> m.compute(zero.get(8), (k, v) -> null));
            add("compute absent (insert)", true, m -> m.compute(zero.get(18), (k, v) -> v == null ? bytes(8, 18) : null));
            add("computeIfPresent other size", true, m -> m.computeIfPresent(zero.get(9), (k, v) -> bytes(40, 109)));
            add("computeIfAbsent out of line", true, m -> m.computeIfAbsent(zero.get(19), k -> bytes(OUT_OF_LINE, 19)));
            add("merge present, same size", true, m -> m.merge(zero.get(10), bytes(8, 110), HashMapPowerLossTest::xor));
            add("merge absent", true, m -> m.merge(zero.get(20), bytes(8, 20), HashMapPowerLossTest::xor));
            add("merge to null (remove)", true, m -> m.merge(zero.get(11), bytes(8, 111), (a, b) -> null));
            add("putIfAbsent absent", false, m -> m.putIfAbsent(zero.get(21), bytes(8, 21)));
            add("putIfAbsent present", false, m -> m.putIfAbsent(zero.get(0), bytes(8, 200)));
            add("replace same size", false, m -> m.replace(zero.get(12), bytes(8, 112)));
            put(other.get(0), bytes(8, 300), false, "other stripe");
            put(other.get(1), bytes(OUT_OF_LINE, 301), false, "other stripe, out of line");
            for (int i = 22; i < 40; i++) {
                put(zero.get(i), bytes(8, i), false, "new");
            }
            put(zero.get(2), bytes(8, 102), true, "same size after growth");
            put(zero.get(17), bytes(OUT_OF_LINE, 317), true, "inline to out of line after growth");
            add("remove after growth", true, m -> m.remove(zero.get(30)));
            add("remove out of line", true, m -> m.remove(zero.get(19)));
            add("merge after growth", true, m -> m.merge(zero.get(31), bytes(8, 131), HashMapPowerLossTest::xor));
            add("remove other stripe", false, m -> m.remove(other.get(1)));
        }
    }

    static byte[] xor(byte[] a, byte[] b) {
        byte[] out = a.clone();
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            out[i] ^= b[i];
        }
        return out;
    }

    /** {@code PersistentLongLongHashMap}, through its primitive methods and as a {@code Map}. */
    static final class LongLongScript extends Script<Long, Long> {
        private final List<Long> zero = new ArrayList<>();
        private final List<Long> other = new ArrayList<>();

        LongLongScript() {
            for (long key = 1; zero.size() < 64 || other.size() < 4; key++) {
                if (KeyHash.ofLong(key) >>> (64 - Integer.numberOfTrailingZeros(MapOpener.STRIPES)) == 0) {
                    if (zero.size() < 64) {
                        zero.add(key);
                    }
                } else if (other.size() < 4) {
                    other.add(key);
                }
            }
        }

        @Override
        Map<Long, Long> open(Pool pool, UpdateStrategy strategy) {
            return PersistentLongLongHashMap.open(pool, "ll", strategy);
        }

        @Override
        Long stripeZero(int i) {
            return zero.get(i);
        }

        @Override
        Long elsewhere(int i) {
            return other.get(i);
        }

        @Override
        Long freshKey() {
            return -1L;
        }

        @Override
        Long freshValue() {
            return 4242L;
        }

        private void putLong(int i, long value, boolean focus, String what) {
            long key = zero.get(i);
            add("put(long, long) " + key + " " + what, focus, m -> {
                ((PersistentLongLongHashMap) m).put(key, value);
                return null;
            }, m -> {
                m.put(key, value);
                return null;
            });
        }

        private void addToValue(long key, long delta, boolean focus) {
            add("addToValue " + key, focus, m -> ((PersistentLongLongHashMap) m).addToValue(key, delta),
                    m -> m.merge(key, delta, Long::sum));
        }

        private void removeKeyIfAbsent(long key, boolean focus) {
            add("removeKeyIfAbsent " + key, focus, m -> ((PersistentLongLongHashMap) m).removeKeyIfAbsent(key, -7),
                    m -> m.containsKey(key) ? m.remove(key) : -7L);
        }

        @Override
        void build() {
            for (int i = 0; i < 16; i++) {
                putLong(i, i * 1000L, false, "new");
            }
            putLong(16, 16_000, true, "new");
            putLong(3, 3_001, true, "update");
            add("put (boxed) update", true, m -> m.put(zero.get(4), 4_001L));
            addToValue(zero.get(5), 5, true);
            addToValue(zero.get(17), 17, true);
            removeKeyIfAbsent(zero.get(6), true);
            removeKeyIfAbsent(zero.get(60), false);
            add("compute present", true, m -> m.compute(zero.get(7), (k, v) -> v == null ? 1L : v * 3));
            add("compute to null (remove)", true, m -> m.compute(zero.get(8), (k, v) -> null));
            add("compute absent (insert)", true, m -> m.compute(zero.get(18), (k, v) -> v == null ? 18L : null));
            add("merge present", true, m -> m.merge(zero.get(9), 9L, Long::sum));
            add("merge absent", true, m -> m.merge(zero.get(19), 19L, Long::sum));
            add("merge to null (remove)", true, m -> m.merge(zero.get(10), 1L, (a, b) -> null));
            add("putIfAbsent absent", false, m -> m.putIfAbsent(zero.get(20), 20L));
            add("replace present", false, m -> m.replace(zero.get(11), 11_001L));
            add("put other stripe", false, m -> m.put(other.get(0), 300L));
            for (int i = 21; i < 40; i++) {
                putLong(i, i * 1000L, false, "new");
            }
            putLong(2, 2_002, true, "update after growth");
            addToValue(zero.get(31), -31, true);
            removeKeyIfAbsent(zero.get(30), true);
            add("remove other stripe", false, m -> m.remove(other.get(0)));
        }
    }
}
