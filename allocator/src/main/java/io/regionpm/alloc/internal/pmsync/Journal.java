package io.regionpm.alloc.internal.pmsync;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

import org.eclipse.collections.api.list.primitive.IntList;
import org.eclipse.collections.api.list.primitive.MutableIntList;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;

import io.regionpm.alloc.PoolException;

import static io.regionpm.alloc.internal.pmsync.ControlLayout.PAGE_BYTES;
import static io.regionpm.alloc.internal.pmsync.ControlLayout.PAGE_SHIFT;

/**
 * The pmsync journal beside the pool file: a batch of whole 4 KiB pool pages, written and
 * forced before any of them is written to the pool file, so that a power loss while the
 * pool file is being updated is repaired by applying the journal again.
 *
 * <pre>
 * header, 4096 bytes at 0                table, 16 bytes per page at 4096
 * |  0 | 8 | magic "PCOLJRNL"            | 0 | 8 | page index (ascending)
 * |  8 | 4 | version (1)                 | 8 | 4 | CRC32C(nonce, index, page bytes)
 * | 12 | 4 | page bytes (4096)           |12 | 4 | zero
 * | 16 |16 | pool UUID                   pages, 4096 bytes each, from the next 4096 boundary
 * | 32 | 8 | nonce (random, per journal) commit record, 64 bytes after the last page
 * | 40 | 8 | page count n                | 0 | 8 | magic "PCOLCMIT"
 * | 48 | 8 | pmsync sequence             | 8 | 8 | nonce
 * | 56 | 4 | CRC32C of bytes 0..55       |16 | 8 | page count n
 * | 60 | 4 | zero                        |24 | 4 | CRC32C of header bytes 0..63 and the table
 *                                        |28 | 4 | CRC32C of commit bytes 0..27
 * </pre>
 *
 * <p>Everything is written, then forced once: a journal is <em>committed</em> when the
 * header, the commit record, the table and every page check out. Because every check is
 * seeded with this journal's nonce, no mix of this journal's sectors with an earlier one's
 * checks out, so a journal that was cut by a power loss before its force completed is seen
 * as not committed (and discarded), unless every sector of it happened to reach the disk,
 * which is a commit too.
 *
 * <p>Thread-safety: used by the pmsync mutex holder only (it keeps one I/O buffer).
 */
public final class Journal {
    /** "PCOLJRNL" and "PCOLCMIT" read as little-endian longs. */
    public static final long MAGIC = 0x4C4E524A4C4F4350L, COMMIT_MAGIC = 0x54494D434C4F4350L;
    static final int VERSION = 1, HEADER_BYTES = 4096, FIELD_BYTES = 64, ENTRY_BYTES = 16, COMMIT_BYTES = 64;
    static final int MAX_PAGES = (Integer.MAX_VALUE - PAGE_BYTES) / ENTRY_BYTES;
    private static final int BATCH_PAGES = 64;
    private static final long TRIM_BYTES = 64L << 20;

    private final DurableFile file;
    private final UUID pool;
    private final long poolPages;
    private final ByteBuffer batch = ByteBuffer.allocateDirect(BATCH_PAGES * PAGE_BYTES);
    private final MemorySegment batchBytes = MemorySegment.ofBuffer(batch);

    /**
     * A committed journal's contents.
     *
     * @param nonce    its nonce
     * @param sequence the pmsync that wrote it
     * @param pages    its pages, ascending
     */
    public record Committed(long nonce, long sequence, IntList pages) {
        long dataAt() {
            return Journal.dataAt(pages.size());
        }
    }

    /**
     * @param file      the journal file
     * @param pool      the pool's UUID
     * @param poolPages 4 KiB pages in the pool
     */
    public Journal(DurableFile file, UUID pool, long poolPages) {
        this.file = file;
        this.pool = pool;
        this.poolPages = poolPages;
    }

    static long dataAt(int count) {
        return (HEADER_BYTES + (long) count * ENTRY_BYTES + PAGE_BYTES - 1) & -PAGE_BYTES;
    }

    /**
     * Writes pages of the working image as a new journal and forces it.
     *
     * @param pages    pool pages, ascending
     * @param image    the working image
     * @param nonce    a fresh random value
     * @param sequence the pmsync's sequence
     * @param copied   run once every page is copied out of the image (before the rest is written)
     * @param steps    told {@link PmsyncStep#JOURNAL_WRITTEN} and {@link PmsyncStep#JOURNAL_DURABLE}
     * @return the journal as written
     * @throws IOException if a write or the force fails (nothing is committed then)
     */
    public Committed write(IntList pages, MemorySegment image, long nonce, long sequence, Runnable copied,
                           Consumer<PmsyncStep> steps) throws IOException {
        int n = pages.size();
        if (n > MAX_PAGES) {
            throw new PoolException(file.path() + ": a pmsync of " + n + " dirty pages exceeds the journal's limit of "
                    + MAX_PAGES + " pages");
        }
        long dataAt = dataAt(n);
        ByteBuffer table = ByteBuffer.allocate(n * ENTRY_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i += BATCH_PAGES) {
            int k = Math.min(BATCH_PAGES, n - i);
            for (int j = 0; j < k; j++) {
                int page = pages.get(i + j);
                MemorySegment copy = batchBytes.asSlice((long) j * PAGE_BYTES, PAGE_BYTES);
                MemorySegment.copy(image, (long) page << PAGE_SHIFT, copy, 0, PAGE_BYTES);
                table.putLong(page).putInt(pageCheck(nonce, page, copy)).putInt(0);
            }
            file.write(batch.clear().limit(k * PAGE_BYTES), dataAt + (long) i * PAGE_BYTES);
        }
        copied.run();
        ByteBuffer header = header(nonce, n, sequence);
        file.write(ByteBuffer.allocate(HEADER_BYTES).put(header.duplicate()).clear(), 0);
        file.write(table.clear(), HEADER_BYTES);
        file.write(commit(nonce, n, header, table), dataAt + (long) n * PAGE_BYTES);
        steps.accept(PmsyncStep.JOURNAL_WRITTEN);
        file.force();
        steps.accept(PmsyncStep.JOURNAL_DURABLE);
        return new Committed(nonce, sequence, pages);
    }

    /** @return the journal's length in bytes, header to commit record, for {@code pages} pages */
    static long bytes(int pages) {
        return dataAt(pages) + (long) pages * PAGE_BYTES + COMMIT_BYTES;
    }

    private ByteBuffer header(long nonce, int n, long sequence) {
        ByteBuffer h = ByteBuffer.allocate(FIELD_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        h.putLong(0, MAGIC).putInt(8, VERSION).putInt(12, PAGE_BYTES);
        h.putLong(16, pool.getMostSignificantBits()).putLong(24, pool.getLeastSignificantBits());
        h.putLong(32, nonce).putLong(40, n).putLong(48, sequence);
        h.putInt(56, crc(h, 0, 56));
        return h;
    }

    private static ByteBuffer commit(long nonce, int n, ByteBuffer header, ByteBuffer table) {
        ByteBuffer c = ByteBuffer.allocate(COMMIT_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        c.putLong(0, COMMIT_MAGIC).putLong(8, nonce).putLong(16, n);
        c.putInt(24, tableCheck(header, table));
        c.putInt(28, crc(c, 0, 28));
        return c;
    }

    private static int tableCheck(ByteBuffer header, ByteBuffer table) {
        CRC32C crc = new CRC32C();
        crc.update(header.duplicate().clear());
        crc.update(table.duplicate().clear());
        return (int) crc.getValue();
    }

    static int pageCheck(long nonce, int page, MemorySegment bytes) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(nonce).putLong(page).flip());
        crc.update(bytes.asByteBuffer());
        return (int) crc.getValue();
    }

    private static int crc(ByteBuffer b, int from, int to) {
        CRC32C crc = new CRC32C();
        crc.update(b.duplicate().position(from).limit(to));
        return (int) crc.getValue();
    }

    /**
     * Reads the journal and checks everything: header, commit record, table and every page.
     *
     * @return the committed journal, or null if there is none (empty, cut, another pool's)
     * @throws IOException if it cannot be read
     */
    public Committed readCommitted() throws IOException {
        long size = file.size();
        ByteBuffer h = readFully(FIELD_BYTES, 0, size);
        if (h == null || h.getLong(0) != MAGIC || h.getInt(8) != VERSION || h.getInt(12) != PAGE_BYTES
                || h.getInt(56) != crc(h, 0, 56) || h.getLong(16) != pool.getMostSignificantBits()
                || h.getLong(24) != pool.getLeastSignificantBits()) {
            return null;
        }
        long nonce = h.getLong(32);
        long count = h.getLong(40);
        if (count < 1 || count > Math.min(poolPages, MAX_PAGES)) {
            return null;
        }
        int n = (int) count;
        ByteBuffer c = readFully(COMMIT_BYTES, dataAt(n) + (long) n * PAGE_BYTES, size);
        ByteBuffer table = readFully(n * ENTRY_BYTES, HEADER_BYTES, size);
        if (c == null || table == null || c.getLong(0) != COMMIT_MAGIC || c.getLong(8) != nonce
                || c.getLong(16) != count || c.getInt(28) != crc(c, 0, 28) || c.getInt(24) != tableCheck(h, table)) {
            return null;
        }
        MutableIntList pages = new IntArrayList(n);
        for (int i = 0; i < n; i++) {
            long page = table.getLong(i * ENTRY_BYTES);
            if (page < 0 || page >= poolPages || i > 0 && page <= pages.get(i - 1)) {
                return null;
            }
            pages.add((int) page);
        }
        return pagesCheckOut(nonce, pages, table) ? new Committed(nonce, h.getLong(48), pages) : null;
    }

    private boolean pagesCheckOut(long nonce, IntList pages, ByteBuffer table) throws IOException {
        long dataAt = dataAt(pages.size());
        for (int i = 0; i < pages.size(); i += BATCH_PAGES) {
            int k = Math.min(BATCH_PAGES, pages.size() - i);
            if (file.read(batch.clear().limit(k * PAGE_BYTES), dataAt + (long) i * PAGE_BYTES) != k * PAGE_BYTES) {
                return false;
            }
            for (int j = 0; j < k; j++) {
                int expected = table.getInt((i + j) * ENTRY_BYTES + 8);
                if (pageCheck(nonce, pages.get(i + j), batchBytes.asSlice((long) j * PAGE_BYTES, PAGE_BYTES))
                        != expected) {
                    return false;
                }
            }
        }
        return true;
    }

    private ByteBuffer readFully(int length, long at, long size) throws IOException {
        if (at + length > size) {
            return null;
        }
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        return file.read(b, at) == length ? b.clear() : null;
    }

    /**
     * Writes a committed journal's pages to the pool file (not forced), runs of consecutive
     * pages at a time.
     *
     * @param journal what {@link #write} or {@link #readCommitted} gave
     * @param poolFile the pool file
     * @throws IOException if a read or write fails
     */
    public void apply(Committed journal, DurableFile poolFile) throws IOException {
        IntList pages = journal.pages();
        for (int i = 0; i < pages.size(); ) {
            int run = 1;
            while (i + run < pages.size() && run < BATCH_PAGES && pages.get(i + run) == pages.get(i) + run) {
                run++;
            }
            int bytes = run * PAGE_BYTES;
            if (file.read(batch.clear().limit(bytes), journal.dataAt() + (long) i * PAGE_BYTES) != bytes) {
                throw new IOException(file.path() + ": journal shorter than its committed pages");
            }
            poolFile.write(batch.flip(), (long) pages.get(i) << PAGE_SHIFT);
            i += run;
        }
    }

    /**
     * Marks the journal empty (its header zeroed; not forced: a committed journal that
     * survives a power loss is applied again, which changes nothing), trimming a large one.
     *
     * @throws IOException if the write fails
     */
    public void clear() throws IOException {
        file.write(ByteBuffer.allocate(HEADER_BYTES), 0);
        if (file.size() > TRIM_BYTES) {
            file.truncate(HEADER_BYTES);
        }
    }
}
