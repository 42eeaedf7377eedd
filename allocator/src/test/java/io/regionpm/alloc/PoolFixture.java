package io.regionpm.alloc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import io.regionpm.alloc.sim.SimulatedMemory;

/**
 * A pool on one back end for tests, which can be closed and reopened: a file in a temporary
 * directory (FILE, msync), a file in /dev/shm (SHM), or the simulator (SIMULATED, where
 * reopening attaches a new heap to the same bytes).
 */
final class PoolFixture implements AutoCloseable {
    private final BackendKind kind;
    private final Path path;
    private final SimulatedMemory sim;
    private PoolFile file;
    private Heap heap;

    private PoolFixture(BackendKind kind, Path path, SimulatedMemory sim) {
        this.kind = kind;
        this.path = path;
        this.sim = sim;
    }

    static PoolFixture create(BackendKind kind, Path tempDir, PoolSpec spec) {
        PoolFixture f = switch (kind) {
            case SIMULATED -> {
                SimulatedMemory sim = SimulatedMemory.create(spec.size());
                PoolHeader.format(sim.memory(), spec, UUID.randomUUID(), 0);
                yield new PoolFixture(kind, null, sim);
            }
            case SHM -> new PoolFixture(kind, Path.of("/dev/shm", "pcoll-test-" + UUID.randomUUID() + ".pool"), null);
            default -> new PoolFixture(kind, tempDir.resolve("test.pool"), null);
        };
        if (f.path != null) {
            PoolFile.create(f.path, spec).close();
        }
        f.open();
        return f;
    }

    private void open() {
        if (sim != null) {
            heap = Heap.attach(sim.memory(), "simulated pool");
        } else {
            file = PoolFile.open(path);
            heap = Heap.attach(file);
            if (file.memory().backendKind() != kind) {
                throw new IllegalStateException("expected back end " + kind + ", got " + file.memory().backendKind());
            }
        }
    }

    Heap heap() {
        return heap;
    }

    PersistentMemory memory() {
        return heap.memory();
    }

    /** Closes the heap (and the mapping) cleanly and opens the pool again. */
    void reopen() {
        closeHeap();
        open();
    }

    private void closeHeap() {
        heap.close();
        if (file != null) {
            file.close();
        }
    }

    @Override
    public void close() {
        closeHeap();
        if (sim != null) {
            sim.close();
        }
        if (kind == BackendKind.SHM) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
