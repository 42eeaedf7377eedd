/**
 * JMH benchmarks and the demo ({@code ./pcw demo}), side by side with the peers (MapDB and,
 * in later issues, Chronicle Map, lmdbjava and H2 MVStore).
 *
 * <p>This module has no {@code module-info.java}, on purpose: the peers are plain jars that
 * would be automatic modules (which {@code -Xlint:all -Werror} rejects) and JMH runs its
 * generated code from the class path of the shaded {@code benchmarks.jar}. Nothing depends
 * on this module.
 */
package io.regionpm.bench;
