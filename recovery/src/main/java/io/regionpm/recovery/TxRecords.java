package io.regionpm.recovery;

import org.eclipse.collections.api.list.primitive.MutableIntList;
import org.eclipse.collections.api.list.primitive.MutableLongList;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;
import org.eclipse.collections.impl.list.mutable.primitive.LongArrayList;

import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.alloc.PoolGeometry;
import io.regionpm.recovery.log.RecordVisitor;

/**
 * The records of a lane's transaction log, and a buffer that collects them on recovery.
 * Every record starts with a word holding its kind in bits 56-63 and a count in bits 0-31:
 *
 * <pre>
 * | record | words                                   | meaning                              |
 * | UNDO   | kind|n, offset, n old words             | restore on abort or crash before COMMIT |
 * | REDO   | kind|n, offset, n new words             | apply after COMMIT                    |
 * | ALLOC  | kind|n, n block offsets                 | blocks allocated by the transaction   |
 * | FREE   | kind|n, n block offsets                 | blocks freed by the transaction       |
 * | COMMIT | kind|0, commit sequence                 | the transaction committed             |
 * </pre>
 *
 * UNDO records are appended and flushed before the range is written in place; the others
 * are appended at commit, COMMIT last, and flushed together: the COMMIT record's
 * durability is the commit point. After the effects are applied the log is truncated.
 *
 * <p>Thread-safety: a {@link Collected} buffer belongs to one recovery.
 */
final class TxRecords {
    static final int UNDO = 1, REDO = 2, ALLOC = 3, FREE = 4, COMMIT = 5;

    private TxRecords() {
    }

    static long head(int kind, int count) {
        return (long) kind << 56 | count & 0xFFFFFFFFL;
    }

    static int kind(long head) {
        return (int) (head >>> 56);
    }

    static int count(long head) {
        return (int) head;
    }

    /**
     * Checks that a write of {@code words} words at {@code offset} stays in the data region,
     * the root area or a lane's limbo.
     */
    static void checkTarget(PoolGeometry g, long offset, long words, String what) {
        long end = offset + 8 * words;
        boolean data = offset >= g.dataOffset() && end <= g.size();
        boolean root = offset >= g.rootOffset() && end <= g.rootOffset() + PoolGeometry.ROOT_BYTES;
        boolean limbo = LaneLog.inSomeLimbo(g, offset, 8 * words);
        if ((offset & 7) != 0 || words < 0 || !(data || root || limbo)) {
            throw new PoolCorruptedException(what + " of " + words + " words at " + offset
                    + " is not an aligned range of the data region or root area");
        }
    }

    /** The records of a log, copied out during recovery (bounded by the log's size). */
    static final class Collected implements RecordVisitor {
        final MutableLongList words = new LongArrayList();
        final MutableIntList starts = new IntArrayList();

        @Override
        public void visit(long[] buffer, int from, int count) {
            starts.add(words.size());
            for (int i = 0; i < count; i++) {
                words.add(buffer[from + i]);
            }
        }

        int records() {
            return starts.size();
        }

        void clear() {
            words.clear();
            starts.clear();
        }

        int start(int record) {
            return starts.get(record);
        }

        int end(int record) {
            return record + 1 < starts.size() ? starts.get(record + 1) : words.size();
        }

        long head(int record) {
            return words.get(start(record));
        }

        /** @return the committed sequence, or -1 if the last record is not a COMMIT */
        long committedSequence() {
            int n = records();
            if (n == 0 || kind(head(n - 1)) != COMMIT) {
                return -1;
            }
            if (end(n - 1) - start(n - 1) != 2) {
                throw new PoolCorruptedException("malformed COMMIT record in a lane log");
            }
            return words.get(start(n - 1) + 1);
        }

        /** Checks a record's length against its count. */
        void checkShape(int record, int extraWords) {
            long head = head(record);
            int length = end(record) - start(record);
            if (count(head) < 0 || length != 1 + extraWords + count(head)) {
                throw new PoolCorruptedException("malformed lane log record of kind " + kind(head) + ": " + length
                        + " words for a count of " + count(head));
            }
        }
    }
}
