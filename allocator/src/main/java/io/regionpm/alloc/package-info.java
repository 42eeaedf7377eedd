/**
 * The pool file, the persistent-memory layer and the allocator.
 *
 * <ul>
 *   <li>{@link io.regionpm.alloc.PoolFile}: create (crash-safe, sparse, mode 0600), validate
 *       and map a pool; {@link io.regionpm.alloc.PoolHeader} defines the header's bytes.</li>
 *   <li>{@link io.regionpm.alloc.PersistentMemory}: bounds-checked loads, stores and atomics
 *       named by their ordering, {@code flush} and {@code drain}, futex wait and wake.</li>
 *   <li>{@link io.regionpm.alloc.PmsyncStore}: the storage of {@code PMSYNC} pools, a working
 *       image on tmpfs shared by every process, a quiesce barrier, and {@code pmsync()}, which
 *       writes every dirty page to the pool file atomically through a journal.</li>
 *   <li>{@link io.regionpm.alloc.Heap} and {@link io.regionpm.alloc.Lane}: the Hoard-style
 *       superblock allocator with persistent bitmaps; reserve, then publish atomically with
 *       the pointer that refers to the block.</li>
 * </ul>
 *
 * <p>Priorities: no block is ever handed out twice or leaked across any crash; every value
 * read from the pool is validated. Not guaranteed: fairness between lanes, or that space a
 * live process keeps in its lanes is available to others before it closes its heap.
 * Threading: every class says what it allows; a {@link io.regionpm.alloc.Lane} is for one
 * thread at a time. Native access: run with {@code --enable-native-access=io.regionpm.alloc}
 * (module path) or {@code ALL-UNNAMED} (class path) to silence the JDK's warning.
 */
package io.regionpm.alloc;
