package io.regionpm.alloc;

import java.util.UUID;

/**
 * What a valid pool header says.
 *
 * @param uuid          the pool's identity, chosen at creation
 * @param formatVersion the on-pool format version
 * @param durability    the durability code ({@link PoolSpec#SYNC}, ...)
 * @param createdMillis creation time, milliseconds since the epoch
 * @param geometry      the region layout
 */
public record PoolDescriptor(UUID uuid, int formatVersion, int durability, long createdMillis,
                             PoolGeometry geometry) {
}
