package io.regionpm.recovery.check;

import org.eclipse.collections.api.block.procedure.primitive.LongProcedure;

import io.regionpm.alloc.Lane;
import io.regionpm.alloc.PersistentMemory;

/**
 * A singly linked list for checker tests: nodes of at least 16 bytes, word 0 the next node
 * (0 at the end), word 1 a value. A list's root is a word holding its first node.
 */
final class ToyList {
    static final String TYPE = "toy-list";
    static final long NEXT = 0;
    static final long VALUE = 8;
    static final int NODE_BYTES = 16;

    private ToyList() {
    }

    /**
     * The list's walker, iterative as the contract asks.
     *
     * @param onRead called with every node the walker reads
     * @return the walker
     */
    static BlockWalker walker(LongProcedure onRead) {
        return (pm, first, sink) -> {
            long node = first;
            while (true) {
                onRead.value(node);
                long next = pm.getLongAcquire(node + NEXT);
                if (!sink.visit(node + NEXT, next)) {
                    return;
                }
                node = next;
            }
        };
    }

    /**
     * Appends a node, initialised before it is published into {@code slot}.
     *
     * @return the node
     */
    static long append(Lane lane, PersistentMemory pm, long slot, long bytes, long value) {
        long node = lane.reserve(bytes);
        pm.setLong(node + NEXT, 0);
        pm.setLong(node + VALUE, value);
        pm.flush(node, NODE_BYTES);
        lane.publish(node, slot);
        return node;
    }

    /**
     * Builds a list of {@code n} 16-byte nodes from an empty root word.
     *
     * @return the nodes, first to last
     */
    static long[] build(Lane lane, PersistentMemory pm, long rootSlot, int n) {
        long[] nodes = new long[n];
        long slot = rootSlot;
        for (int i = 0; i < n; i++) {
            nodes[i] = append(lane, pm, slot, NODE_BYTES, i);
            slot = nodes[i] + NEXT;
        }
        return nodes;
    }
}
