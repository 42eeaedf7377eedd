package io.regionpm.recovery;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.regionpm.alloc.PoolException;
import io.regionpm.alloc.PoolFile;
import io.regionpm.alloc.PoolSpec;
import io.regionpm.alloc.sim.SimulatedMemory;
import io.regionpm.testkit.ChildJvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcessRegistryTest {
    private static final DeadProcessRecovery NOTHING_TO_RECOVER = (entry, generation) -> {
        throw new AssertionError("no dead entry expected, found " + entry);
    };

    @TempDir
    Path dir;

    @Test
    void registrationsTakeDistinctEntriesAndAReusedEntryIsANewGeneration() {
        try (SimulatedMemory sim = SimulatedMemory.create(1 << 16)) {
            ProcessRegistry registry = new ProcessRegistry(sim.memory(), 4096, 4);
            Registration a = registry.register(1, NOTHING_TO_RECOVER);
            Registration b = registry.register(2, NOTHING_TO_RECOVER);
            assertThat(a.entry()).isNotEqualTo(b.entry());
            assertThat(registry.isAlive(a.entry(), a.generation())).isTrue();
            registry.deregister(a);
            assertThat(registry.isAlive(a.entry(), a.generation())).as("deregistered").isFalse();
            Registration c = registry.register(3, NOTHING_TO_RECOVER);
            assertThat(c.entry()).isEqualTo(a.entry());
            assertThat(c.generation()).isGreaterThan(a.generation());
            assertThat(registry.isAlive(a.entry(), a.generation())).as("an old owner stays dead").isFalse();
            assertThat(registry.deadEntries().isEmpty()).isTrue();
        }
    }

    @Test
    void afterPowerLossEveryEntryIsDeadAndIsRecoveredBeforeReuse() {
        try (SimulatedMemory sim = SimulatedMemory.create(1 << 16)) {
            ProcessRegistry registry = new ProcessRegistry(sim.memory(), 4096, 4);
            Registration a = registry.register(1, NOTHING_TO_RECOVER);
            Registration b = registry.register(1, NOTHING_TO_RECOVER);
            try (SimulatedMemory image = sim.crashImageDurableOnly()) {
                ProcessRegistry after = new ProcessRegistry(image.memory(), 4096, 4);
                assertThat(after.deadEntries().toArray()).containsExactly(a.entry(), b.entry());
                List<Long> recovered = new ArrayList<>();
                Registration mine = after.register(2, (entry, generation) -> recovered.add(generation));
                assertThat(recovered).containsExactly(a.generation());
                assertThat(mine.entry()).isEqualTo(a.entry());
                assertThat(after.deadEntries().toArray()).containsExactly(b.entry());
            }
        }
    }

    @Test
    void aFullRegistryIsAClearError() {
        try (SimulatedMemory sim = SimulatedMemory.create(1 << 16)) {
            ProcessRegistry registry = new ProcessRegistry(sim.memory(), 4096, 2);
            registry.register(1, NOTHING_TO_RECOVER);
            registry.register(1, NOTHING_TO_RECOVER);
            assertThatThrownBy(() -> registry.register(1, NOTHING_TO_RECOVER)).isInstanceOf(PoolException.class)
                    .hasMessageContaining("registry full");
        }
    }

    /** Registers in the registry at the data region's start of the pool given, then waits. */
    public static final class RegisteringChild {
        public static void main(String[] args) throws Exception {
            PoolFile file = PoolFile.open(Path.of(args[0]));
            ProcessRegistry registry = new ProcessRegistry(file.memory(), file.descriptor().geometry().dataOffset(), 8);
            Registration r = registry.register(1, (entry, generation) -> { });
            System.out.println("REGISTERED " + r.entry() + " " + r.generation());
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    @Test
    void aKilledProcessIsFoundDeadAndItsEntryRecoveredByTheNextRegistration() {
        Path pool = dir.resolve("registry.pool");
        try (PoolFile file = PoolFile.create(pool, PoolSpec.of(1L << 20))) {
            ProcessRegistry registry = new ProcessRegistry(file.memory(), file.descriptor().geometry().dataOffset(), 8);
            int entry;
            long generation;
            try (ChildJvm child = ChildJvm.start(RegisteringChild.class, pool.toString())) {
                String[] line = child.awaitLine("REGISTERED", Duration.ofSeconds(60)).split(" ");
                entry = Integer.parseInt(line[1]);
                generation = Long.parseLong(line[2]);
                assertThat(registry.isAlive(entry, generation)).as("the child is alive").isTrue();
                assertThat(registry.deadEntries().isEmpty()).isTrue();
                child.killHard();
            }
            assertThat(registry.isAlive(entry, generation)).as("the child was killed").isFalse();
            assertThat(registry.deadEntries().toArray()).containsExactly(entry);
            List<Integer> recovered = new ArrayList<>();
            Registration mine = registry.register(2, (e, g) -> {
                assertThat(g).isEqualTo(generation);
                recovered.add(e);
            });
            assertThat(recovered).containsExactly(entry);
            assertThat(mine.entry()).isEqualTo(entry);
            assertThat(mine.generation()).isEqualTo(generation + 1);
            registry.deregister(mine);
        }
    }
}
