/**
 * The power-loss simulator: a {@link io.regionpm.alloc.PersistenceBackend} that records
 * which 8-byte words are not yet durable and makes crash images keeping any subset of them.
 * For tests of every protocol built on the pool; not for production use.
 */
package io.regionpm.alloc.sim;
