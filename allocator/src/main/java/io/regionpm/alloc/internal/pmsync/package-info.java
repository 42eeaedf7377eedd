/**
 * The storage of {@code PMSYNC} pools ({@link io.regionpm.alloc.PmsyncStore}): the shared
 * control file with its dirty-page bitmaps, quiesce barrier and pmsync mutex, the working
 * image built from the pool file, and the page journal through which {@code pmsync} updates
 * the pool file atomically. The protocol is described in {@code docs/format.md}, section
 * "PMSYNC". Not exported.
 */
package io.regionpm.alloc.internal.pmsync;
