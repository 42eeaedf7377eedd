package io.regionpm.alloc.internal.pmsync;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file that pmsync writes with positional I/O and makes durable with {@link #force()}: the
 * pool file and the journal. An interface so that tests can stop a pmsync at any write and
 * keep any subset of the writes that were not forced, as a power loss may.
 *
 * <p>Thread-safety: positional calls may come from any thread; pmsync uses one at a time.
 */
public interface DurableFile extends Closeable {

    /** Opens an existing file for reading and writing. */
    @FunctionalInterface
    interface Opener {
        /**
         * @param path an existing file
         * @return the open file
         * @throws IOException if it cannot be opened
         */
        DurableFile open(Path path) throws IOException;
    }

    /** The real files: a {@link FileChannel} each. */
    Opener CHANNELS = path -> new ChannelFile(path, FileChannel.open(path, StandardOpenOption.READ,
            StandardOpenOption.WRITE));

    /** The real files opened for reading only (a read-only look at a journal). */
    Opener READ_ONLY = path -> new ChannelFile(path, FileChannel.open(path, StandardOpenOption.READ));

    /** @return the file's path, for messages */
    Path path();

    /** @return the current length @throws IOException if it cannot be read */
    long size() throws IOException;

    /**
     * Reads until {@code dst} is full or the end of the file.
     *
     * @param dst      where to
     * @param position file offset
     * @return bytes read
     * @throws IOException on a read error
     */
    int read(ByteBuffer dst, long position) throws IOException;

    /**
     * Writes all of {@code src}; not durable before {@link #force()}.
     *
     * @param src      the bytes
     * @param position file offset
     * @throws IOException on a write error (ENOSPC, EIO)
     */
    void write(ByteBuffer src, long position) throws IOException;

    /**
     * Shortens the file; not durable before {@link #force()}.
     *
     * @param size the new length, at most the current one
     * @throws IOException on an error
     */
    void truncate(long size) throws IOException;

    /**
     * Makes every write so far durable, the length included ({@code fdatasync}).
     *
     * @throws IOException on EIO
     */
    void force() throws IOException;

    /** A {@link DurableFile} over a {@link FileChannel}. */
    record ChannelFile(Path path, FileChannel channel) implements DurableFile {
        @Override
        public long size() throws IOException {
            return channel.size();
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            int total = 0;
            while (dst.hasRemaining()) {
                int n = channel.read(dst, position + total);
                if (n < 0) {
                    break;
                }
                total += n;
            }
            return total;
        }

        @Override
        public void write(ByteBuffer src, long position) throws IOException {
            long at = position;
            while (src.hasRemaining()) {
                at += channel.write(src, at);
            }
        }

        @Override
        public void truncate(long size) throws IOException {
            channel.truncate(size);
        }

        @Override
        public void force() throws IOException {
            channel.force(false);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
