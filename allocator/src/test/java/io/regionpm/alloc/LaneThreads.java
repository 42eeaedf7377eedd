package io.regionpm.alloc;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Several threads, each holding its own lane of one heap, to which a test hands operations
 * one at a time (so a single-threaded oracle stays exact while frees cross lanes).
 */
final class LaneThreads implements AutoCloseable {
    private final ExecutorService[] threads;
    private final Lane[] lanes;

    LaneThreads(Heap heap, int count) {
        threads = new ExecutorService[count];
        lanes = new Lane[count];
        for (int i = 0; i < count; i++) {
            threads[i] = Executors.newSingleThreadExecutor();
            int t = i;
            lanes[i] = call(i, unused -> heap.acquireLane());
            assert lanes[t] != null;
        }
    }

    int count() {
        return lanes.length;
    }

    <T> T on(int thread, Function<Lane, T> op) {
        return call(thread, unused -> op.apply(lanes[thread]));
    }

    private <T> T call(int thread, Function<Void, T> op) {
        try {
            return threads[thread].submit(() -> op.apply(null)).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < lanes.length; i++) {
            int t = i;
            call(i, unused -> {
                lanes[t].close();
                return null;
            });
            threads[i].shutdown();
        }
    }
}
