package io.regionpm.recovery.log;

/**
 * Receives the records {@link RecordLog#recover} finds, oldest first.
 *
 * <p>The array is the log's own scratch buffer: it holds the record in
 * {@code words[from, from + count)} only for the duration of the call and is overwritten by
 * the next record, so copy what you keep. A visitor that throws aborts the recovery: the
 * exception reaches the caller of {@code recover} unchanged and the log stays unrecovered
 * (nothing persistent was changed; {@code recover} may be called again).
 */
@FunctionalInterface
public interface RecordVisitor {

    /**
     * Called once per complete record, in log order.
     *
     * @param words the log's buffer, holding the record at {@code [from, from + count)}
     * @param from  index of the record's first word
     * @param count the record's length in words, at least 1
     */
    void visit(long[] words, int from, int count);
}
