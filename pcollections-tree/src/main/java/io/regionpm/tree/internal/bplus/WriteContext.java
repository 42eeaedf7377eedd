package io.regionpm.tree.internal.bplus;

import java.lang.foreign.MemorySegment;

/**
 * One thread's reusable working state for one tree: the probe keys, the node builder, the
 * descent path, the separator keys in flight, a value buffer, and the set of node blocks the
 * thread's current transaction allocated (those are not yet published: they are changed in
 * place instead of copied). Nothing here outlives a call except the fresh set, which is
 * cleared when the transaction ends.
 *
 * <p>Thread-safety: confined to its thread.
 */
final class WriteContext {
    final KeyProbe probe = new KeyProbe();
    final KeyProbe bound = new KeyProbe();
    final KeyProbe[] separators = {new KeyProbe(), new KeyProbe()};
    final NodeBuilder builder;
    final long[] path = new long[Node.MAX_LEVEL + 2];
    final int[] index = new int[Node.MAX_LEVEL + 2];
    final BlockSet fresh = new BlockSet();
    final Cursor cursor;
    final NodeEditor editor;
    final Runnable ended;
    private byte[] value = new byte[256];
    private MemorySegment valueSegment = MemorySegment.ofArray(value);

    WriteContext(int nodeBytes, NodeStore store, Runnable makeEven, boolean fewRanges) {
        this.builder = new NodeBuilder(nodeBytes);
        this.cursor = new Cursor(store);
        this.editor = new NodeEditor(store, store.pm(), fewRanges);
        this.ended = () -> {
            makeEven.run();
            fresh.clear();
        };
    }

    /** @param n bytes needed @return the value buffer, at least n bytes */
    byte[] value(int n) {
        if (n > value.length) {
            value = new byte[Math.max(n, value.length * 2)];
            valueSegment = MemorySegment.ofArray(value);
        }
        return value;
    }

    /** @return the value buffer's segment (after {@link #value(int)}) */
    MemorySegment valueSegment() {
        return valueSegment;
    }
}
