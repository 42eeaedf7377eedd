/** Implementation of the core module: the root directory and its entries, built-in collection types. */
package io.regionpm.core.internal;
