/**
 * The Pool facade, the root directory of named collections, typed codecs, durability modes (SYNC, PMSYNC, NONE) and raw regions.
 *
 * <p>Not yet built: this module is a placeholder in the module graph of DESIGN.md section 1
 * and is filled by later issues.
 */
package io.regionpm.core;
