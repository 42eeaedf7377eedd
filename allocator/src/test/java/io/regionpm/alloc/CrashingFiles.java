package io.regionpm.alloc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import io.regionpm.alloc.internal.pmsync.DurableFile;
import io.regionpm.alloc.sim.SimulatedPowerLoss;

/**
 * A fault-injecting file layer for pmsync's writes (in the manner of H2's test file
 * system): every write, truncate and force is a numbered call; the chosen call fails, either
 * as a power loss ({@link SimulatedPowerLoss}, after which every call fails) or as one
 * {@link IOException}. It records, per 512-byte sector, every version written since the
 * file was last forced, so that {@link #crashImage} can build what a disk may hold after a
 * power loss: each such sector holds its forced version or any version written since.
 *
 * <p>Thread-safety: synchronized; meant for one test thread.
 */
final class CrashingFiles implements DurableFile.Opener {
    static final int SECTOR = 512;

    /** How the chosen call fails. */
    enum Failure { POWER_LOSS, IO_ERROR }

    /** Which version each unforced sector gets in a crash image. */
    enum Choice { FORCED, LATEST, RANDOM }

    private final Map<Path, TreeMap<Long, List<byte[]>>> unforced = new HashMap<>();
    private long calls;
    private long failAt = Long.MAX_VALUE;
    private Failure failure;
    private boolean poweredOff;

    /** @param call the call number that fails (see {@link #calls()}) @param how how */
    synchronized void failAt(long call, Failure how) {
        this.failAt = call;
        this.failure = how;
    }

    /** @return write, truncate and force calls so far */
    synchronized long calls() {
        return calls;
    }

    @Override
    public DurableFile open(Path path) throws IOException {
        return new Recording(path, FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE));
    }

    private synchronized void point() throws IOException {
        if (poweredOff) {
            throw new SimulatedPowerLoss(calls);
        }
        calls++;
        if (calls == failAt) {
            failAt = Long.MAX_VALUE;
            if (failure == Failure.POWER_LOSS) {
                poweredOff = true;
                throw new SimulatedPowerLoss(calls);
            }
            throw new IOException("injected I/O error at call " + calls);
        }
    }

    private synchronized void write(Path path, FileChannel ch, ByteBuffer src, long position) throws IOException {
        point();
        TreeMap<Long, List<byte[]>> sectors = unforced.computeIfAbsent(path.toAbsolutePath(), p -> new TreeMap<>());
        long firstSector = position / SECTOR;
        long lastSector = (position + src.remaining() - 1) / SECTOR;
        for (long s = firstSector; s <= lastSector; s++) {
            if (!sectors.containsKey(s)) {
                List<byte[]> versions = new ArrayList<>();
                versions.add(sector(ch, s));
                sectors.put(s, versions);
            }
        }
        while (src.hasRemaining()) {
            ch.write(src, position + src.position());
        }
        for (long s = firstSector; s <= lastSector; s++) {
            sectors.get(s).add(sector(ch, s));
        }
    }

    private synchronized void force(Path path, FileChannel ch) throws IOException {
        point();
        ch.force(true);
        unforced.remove(path.toAbsolutePath());
    }

    private static byte[] sector(FileChannel ch, long s) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(SECTOR);
        while (b.hasRemaining() && ch.read(b, s * SECTOR + b.position()) > 0) {
            // read the sector; beyond the end it stays zero
        }
        return b.array();
    }

    /**
     * Copies {@code file} to {@code copy}, then gives each unforced sector the chosen version.
     *
     * @param file   a file written through this layer
     * @param copy   where the crash image goes
     * @param choice which versions
     * @param random for {@link Choice#RANDOM}
     * @return how many sectors were unforced
     */
    synchronized int crashImage(Path file, Path copy, Choice choice, Random random) {
        try {
            Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
            TreeMap<Long, List<byte[]>> sectors = unforced.getOrDefault(file.toAbsolutePath(), new TreeMap<>());
            try (FileChannel out = FileChannel.open(copy, StandardOpenOption.WRITE)) {
                for (Map.Entry<Long, List<byte[]>> e : sectors.entrySet()) {
                    List<byte[]> versions = e.getValue();
                    byte[] chosen = switch (choice) {
                        case FORCED -> versions.getFirst();
                        case LATEST -> versions.getLast();
                        case RANDOM -> versions.get(random.nextInt(versions.size()));
                    };
                    out.write(ByteBuffer.wrap(chosen), e.getKey() * SECTOR);
                }
            }
            return sectors.size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private final class Recording implements DurableFile {
        private final Path path;
        private final FileChannel ch;

        Recording(Path path, FileChannel ch) {
            this.path = path;
            this.ch = ch;
        }

        @Override
        public Path path() {
            return path;
        }

        @Override
        public long size() throws IOException {
            return ch.size();
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            int total = 0;
            while (dst.hasRemaining()) {
                int n = ch.read(dst, position + total);
                if (n < 0) {
                    break;
                }
                total += n;
            }
            return total;
        }

        @Override
        public void write(ByteBuffer src, long position) throws IOException {
            CrashingFiles.this.write(path, ch, src, position);
        }

        @Override
        public void truncate(long size) throws IOException {
            point();
            ch.truncate(size);
        }

        @Override
        public void force() throws IOException {
            CrashingFiles.this.force(path, ch);
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}
