/**
 * The log's machinery (not exported): header and record layouts, the append and read protocol,
 * hole repair and crash recovery, the checker walker and the drop.
 */
package io.regionpm.log.internal;
