/**
 * The user API: {@link io.regionpm.core.Pool} (open, names, drop, transactions, pmsync, raw
 * regions, stats, check), {@link io.regionpm.core.PoolOptions}, {@link io.regionpm.core.Durability},
 * {@link io.regionpm.core.UpdateStrategy}, and the typed codecs {@link io.regionpm.core.Codec}
 * and {@link io.regionpm.core.Codecs}. Exceptions are the unchecked
 * {@code io.regionpm.alloc.PoolException} family, thrown by every layer.
 */
package io.regionpm.core;
