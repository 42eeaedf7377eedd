package io.regionpm.recovery;

/**
 * This process's entry in the {@link ProcessRegistry}: where, and which taking of it.
 *
 * @param entry      the entry index
 * @param generation the entry's generation while this registration lasts
 */
public record Registration(int entry, long generation) {
}
