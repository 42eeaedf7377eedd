package io.regionpm.alloc.internal.pmsync;

import org.eclipse.collections.api.list.primitive.IntList;
import org.eclipse.collections.api.list.primitive.MutableIntList;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;

import io.regionpm.alloc.PersistentMemory;

import static io.regionpm.alloc.internal.pmsync.ControlLayout.PAGE_SHIFT;

/**
 * The shared dirty-page bitmaps of a working image, in the control file: one bit per 4 KiB
 * pool page, set by {@link #mark} (which is what {@code flush} does in {@code PMSYNC}), and a
 * summary bit per bitmap word so that pmsync reads only the words that have bits.
 *
 * <p>Pmsync moves the dirty bits into the <em>in-flight</em> bitmap before it copies pages
 * ({@link #moveDirtyToInFlight}) and clears the in-flight bits only once the pages are
 * applied to the pool file ({@link #clearInFlight}). A mark made while a pmsync copies is
 * therefore never lost (it lands in the dirty bitmap again), and the pages of a pmsync whose
 * holder died are still in flight for the next one.
 *
 * <p>Marking sets the bitmap bit before the summary bit; collecting clears the summary bit
 * before it reads the bitmap word (all with atomic, sequentially consistent operations), so
 * every mark is seen by the collection that clears its summary bit or by a later one.
 *
 * <p>Thread- and process-safety: {@link #mark} from any thread of any process; the other
 * methods only by the holder of the pmsync mutex.
 */
public final class DirtyPages {
    private final PersistentMemory c;
    private final ControlLayout layout;

    /** @param control the control file */
    public DirtyPages(ControlFile control) {
        this.c = control.memory();
        this.layout = control.layout();
    }

    /**
     * Marks the pages of a pool range dirty.
     *
     * @param offset first byte, inside the pool
     * @param length bytes (0 counts as 1)
     */
    public void mark(long offset, long length) {
        long first = offset >>> PAGE_SHIFT;
        long last = (offset + Math.max(length, 1) - 1) >>> PAGE_SHIFT;
        for (long word = first >>> 6; word <= last >>> 6; word++) {
            int lo = (int) (Math.max(first, word << 6) & 63);
            int hi = (int) (Math.min(last, (word << 6) + 63) & 63);
            long mask = (-1L >>> (63 - (hi - lo))) << lo;
            setBits(layout.dirtyLeaf() + word * 8, mask);
            setBits(layout.dirtySummary() + (word >>> 6) * 8, 1L << (word & 63));
        }
    }

    private void setBits(long at, long mask) {
        if ((c.getLongVolatile(at) & mask) != mask) {
            c.getAndBitwiseOrLong(at, mask);
        }
    }

    /** Moves every dirty bit into the in-flight bitmap (set there first, then cleared here). */
    public void moveDirtyToInFlight() {
        for (long s = 0; s < layout.summaryWords(); s++) {
            long summaryAt = layout.dirtySummary() + s * 8;
            long summary = c.getLongVolatile(summaryAt);
            if (summary == 0) {
                continue;
            }
            c.getAndBitwiseAndLong(summaryAt, ~summary);
            for (long bits = summary; bits != 0; bits &= bits - 1) {
                long word = (s << 6) + Long.numberOfTrailingZeros(bits);
                long dirty = c.getLongVolatile(layout.dirtyLeaf() + word * 8);
                if (dirty != 0) {
                    c.getAndBitwiseOrLong(layout.inflightLeaf() + word * 8, dirty);
                    c.getAndBitwiseOrLong(layout.inflightSummary() + s * 8, 1L << (word & 63));
                    c.getAndBitwiseAndLong(layout.dirtyLeaf() + word * 8, ~dirty);
                }
            }
        }
    }

    /** @return the in-flight pages, ascending */
    public IntList inFlightPages() {
        MutableIntList pages = new IntArrayList();
        for (long s = 0; s < layout.summaryWords(); s++) {
            for (long sum = c.getLongVolatile(layout.inflightSummary() + s * 8); sum != 0; sum &= sum - 1) {
                long word = (s << 6) + Long.numberOfTrailingZeros(sum);
                for (long bits = c.getLongVolatile(layout.inflightLeaf() + word * 8); bits != 0; bits &= bits - 1) {
                    pages.add((int) ((word << 6) + Long.numberOfTrailingZeros(bits)));
                }
            }
        }
        return pages;
    }

    /** @param pages the in-flight pages just applied to the pool file (all of them) */
    public void clearInFlight(IntList pages) {
        long lastWord = -1;
        for (int i = 0; i < pages.size(); i++) {
            long word = pages.get(i) >>> 6;
            if (word != lastWord) {
                c.setLongVolatile(layout.inflightLeaf() + word * 8, 0);
                c.setLongVolatile(layout.inflightSummary() + (word >>> 6) * 8, 0);
                lastWord = word;
            }
        }
    }

    /** @return pages dirty or in flight now (a scan of the summaries) */
    public long count() {
        long n = 0;
        for (long s = 0; s < layout.summaryWords(); s++) {
            long sum = c.getLongVolatile(layout.dirtySummary() + s * 8)
                    | c.getLongVolatile(layout.inflightSummary() + s * 8);
            for (; sum != 0; sum &= sum - 1) {
                long word = (s << 6) + Long.numberOfTrailingZeros(sum);
                n += Long.bitCount(c.getLongVolatile(layout.dirtyLeaf() + word * 8)
                        | c.getLongVolatile(layout.inflightLeaf() + word * 8));
            }
        }
        return n;
    }

    /** Forgets every bit: the working image they described is gone. */
    public void reset() {
        c.fill(layout.dirtySummary(), layout.total() - layout.dirtySummary(), (byte) 0);
    }
}
