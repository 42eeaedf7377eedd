package io.regionpm.tree;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A map under test and its oracle, at the same view (the same sub-map, direction...): every
 * operation is applied to both through {@link #same}, which fails unless both return equal
 * results (collections and maps compared as lists, in iteration order) or throw exceptions of
 * the same class.
 *
 * @param map    the map under test (or a view of it)
 * @param oracle the oracle (or the same view of it)
 * @param path   how the view was derived, for messages
 */
record MapTwin(ConcurrentNavigableMap<Long, String> map, ConcurrentNavigableMap<Long, String> oracle, String path) {

    /** What an operation gave: a normalised result, or the class of what it threw. */
    private record Thrown(Class<?> type) {
    }

    /**
     * Applies {@code op} to both maps and compares what they give.
     *
     * @param context for the message (seed, step)
     * @param what    the operation, for the message
     * @param op      the operation
     * @return the map's normalised result (null if it threw)
     */
    Object same(String context, String what, Function<ConcurrentNavigableMap<Long, String>, ?> op) {
        Object mine = outcome(op, map);
        Object expected = outcome(op, oracle);
        assertThat(mine).as("%s: %s on %s", context, what, path).isEqualTo(expected);
        return mine instanceof Thrown ? null : mine;
    }

    private static Object outcome(Function<ConcurrentNavigableMap<Long, String>, ?> op, ConcurrentNavigableMap<Long, String> m) {
        try {
            return normalise(op.apply(m));
        } catch (RuntimeException e) {
            return new Thrown(e.getClass());
        }
    }

    static Object normalise(Object o) {
        if (o instanceof Map<?, ?> m) {
            return normalise(m.entrySet());
        }
        if (o instanceof Collection<?> c) {
            List<Object> list = new ArrayList<>(c.size());
            for (Object x : c) {
                list.add(normalise(x));
            }
            return list;
        }
        if (o instanceof Map.Entry<?, ?> e) {
            return new AbstractMap.SimpleImmutableEntry<>(e.getKey(), e.getValue());
        }
        return o;
    }

    /**
     * @param step the derivation, applied to both
     * @param name how to name it
     * @return the derived twin, or null if both refused it alike
     */
    MapTwin derive(String context, String name, Function<ConcurrentNavigableMap<Long, String>, ConcurrentNavigableMap<Long, String>> step) {
        Object mine = attempt(step, map);
        Object expected = attempt(step, oracle);
        String what = path + "." + name;
        if (mine instanceof Thrown || expected instanceof Thrown) {
            assertThat(mine).as("%s: %s", context, what).isEqualTo(expected);
            return null;
        }
        @SuppressWarnings("unchecked")
        ConcurrentNavigableMap<Long, String> m = (ConcurrentNavigableMap<Long, String>) mine;
        @SuppressWarnings("unchecked")
        ConcurrentNavigableMap<Long, String> o = (ConcurrentNavigableMap<Long, String>) expected;
        return new MapTwin(m, o, what);
    }

    private static Object attempt(Function<ConcurrentNavigableMap<Long, String>, ConcurrentNavigableMap<Long, String>> step,
                                  ConcurrentNavigableMap<Long, String> m) {
        try {
            return step.apply(m);
        } catch (RuntimeException e) {
            return new Thrown(e.getClass());
        }
    }
}
