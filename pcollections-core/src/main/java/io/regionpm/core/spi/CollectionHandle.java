package io.regionpm.core.spi;

import io.regionpm.core.UpdateStrategy;

/**
 * A collection's entry in the root directory, as its implementation sees it.
 *
 * @param name       the collection's name
 * @param type       its type name
 * @param keyCodec   its key codec identity ("" for none)
 * @param valueCodec its value codec identity ("" for none)
 * @param strategy   its update strategy
 * @param rootSlot   the pool word that holds its root block (0: none yet); change it only in
 *                   transactions (or by the shadow strategy's single published store)
 */
public record CollectionHandle(String name, String type, String keyCodec, String valueCodec, UpdateStrategy strategy,
                               long rootSlot) {
}
