package io.regionpm.tree;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * A weakly consistent iterator over a {@link RangeView}, in the view's direction: it copies
 * {@value #BATCH} entries at a time with one bounded {@code scan} (one consistent read each)
 * and re-seeks just after the last key it fetched for the next batch, so that its heap use is
 * bounded whatever the size of the map. It reflects some, all or none of the changes made
 * since it was created, never throws {@link java.util.ConcurrentModificationException}, and
 * never returns a key twice or out of order. {@link #remove()} removes the last key returned
 * from the view (as {@code ConcurrentSkipListMap}'s iterators do).
 *
 * <p>Thread-safety: one thread at a time, like any iterator.
 *
 * @param <K> keys
 * @param <V> values
 * @param <T> the elements returned (keys, values or entries)
 */
final class BatchIterator<K, V, T> implements Iterator<T> {
    /** Entries fetched per scan. */
    static final int BATCH = 64;

    private final RangeView<K, V> view;
    private final Function<Map.Entry<K, V>, T> element;
    private final List<Map.Entry<K, V>> batch = new ArrayList<>(BATCH);
    private int next;
    private boolean exhausted;
    private K resumeAfter;
    private K lastReturned;

    BatchIterator(RangeView<K, V> view, Function<Map.Entry<K, V>, T> element) {
        this.view = view;
        this.element = element;
    }

    @Override
    public boolean hasNext() {
        view.access.reader(); // a closed pool or snapshot fails here, not only at the next batch
        while (next >= batch.size()) {
            if (exhausted) {
                return false;
            }
            fetch();
        }
        return true;
    }

    private void fetch() {
        batch.clear();
        next = 0;
        int got = view.scan(resumeAfter, BATCH, batch);
        exhausted = got < BATCH;
        if (got > 0) {
            resumeAfter = batch.get(got - 1).getKey();
        }
    }

    @Override
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Map.Entry<K, V> e = batch.get(next);
        batch.set(next++, null);
        lastReturned = e.getKey();
        return element.apply(e);
    }

    @Override
    public void remove() {
        if (lastReturned == null) {
            throw new IllegalStateException("next() has not been called, or remove() was already called");
        }
        view.remove(lastReturned);
        lastReturned = null;
    }
}
