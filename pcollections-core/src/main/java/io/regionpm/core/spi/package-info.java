/**
 * For collection implementations (the hash, tree and log modules) and tests: collection types
 * and the directory handles through which a collection finds its root. Not a stable user API.
 */
package io.regionpm.core.spi;
