package io.regionpm.bench.log;

import java.nio.file.Path;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The peer of issue 6: Chronicle Queue 5.27ea0, {@code SingleChronicleQueueBuilder.binary(dir)}
 * with its defaults (daily roll cycle, 64 MiB blocks), one {@code ExcerptAppender} writing each
 * record's bytes as one excerpt ({@code writingDocument()}, {@code bytes().write(record)}), an
 * {@code ExcerptTailer} reading each excerpt into a fresh {@code byte[]}. Chronicle Queue never
 * syncs to a disk (its files are mapped; write-back is the kernel's), so the disk row differs
 * from the {@code /dev/shm} row only by the page cache's write-back.
 */
public enum PeerLogs implements LogKind {
    /** Chronicle Queue on {@code /dev/shm} (compare OURS_NONE_SHM). */
    CHRONICLE_SHM("/dev/shm"),
    /** Chronicle Queue on a disk ({@code /tmp}, ext4), never synced (compare OURS_PMSYNC1000_DISK). */
    CHRONICLE_DISK("disk");

    private final String where;

    PeerLogs(String where) {
        this.where = where;
    }

    @Override
    public String where() {
        return where;
    }

    @Override
    public LogUnderTest create(long maxBytes) {
        return open(LogKind.newDir(where), true);
    }

    @Override
    public LogUnderTest attach(Path dir, long maxBytes) {
        return open(dir, false);
    }

    private static LogUnderTest open(Path dir, boolean owner) {
        SingleChronicleQueue q = SingleChronicleQueueBuilder.binary(dir).build();
        return new LogUnderTest(dir) {
            private ExcerptAppender appender;

            @Override
            public void append(byte[] record) {
                if (appender == null) {
                    appender = q.createAppender();
                }
                try (DocumentContext dc = appender.writingDocument()) {
                    dc.wire().bytes().write(record);
                }
            }

            @Override
            public Reader reader() {
                ExcerptTailer t = q.createTailer().toStart();
                return new Reader() {
                    @Override
                    public byte[] next() {
                        try (DocumentContext dc = t.readingDocument()) {
                            if (!dc.isPresent()) {
                                return null;
                            }
                            Bytes<?> b = dc.wire().bytes();
                            byte[] r = new byte[(int) b.readRemaining()];
                            b.read(r);
                            return r;
                        }
                    }

                    @Override
                    public byte[] poll(long timeoutNanos) {
                        // busy-spin: Chronicle's own tailing style (it has no blocking wait)
                        long deadline = System.nanoTime() + timeoutNanos;
                        do {
                            byte[] r = next();
                            if (r != null) {
                                return r;
                            }
                            Thread.onSpinWait();
                        } while (System.nanoTime() - deadline < 0);
                        return null;
                    }

                    @Override
                    public void close() {
                        t.close();
                    }
                };
            }

            @Override
            public void close() {
                if (appender != null) {
                    appender.close();
                }
                q.close();
                if (owner) {
                    LogKind.deleteTree(dir);
                }
            }
        };
    }
}
