/**
 * The hash maps' machinery (not exported): header and entry layouts, the key hash, striped
 * linear hashing with its lock and version protocol, the checker walker and the drop.
 */
package io.regionpm.hash.internal;
