package io.regionpm.alloc.internal.pmsync;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolDescriptor;
import io.regionpm.alloc.PoolException;
import io.regionpm.alloc.PoolFile;
import io.regionpm.alloc.PoolFormatException;

import static io.regionpm.alloc.internal.pmsync.ControlFile.IMAGE_DISCARDED;
import static io.regionpm.alloc.internal.pmsync.ControlFile.IMAGE_NONE;
import static io.regionpm.alloc.internal.pmsync.ControlFile.IMAGE_READY;

/**
 * Finds, or builds, and maps the working image, under the pmsync mutex:
 * <ul>
 *   <li>control file says ready, image there: map it (after checking its header);</li>
 *   <li>no image yet (a new control file, so a first open in this boot, after a power loss
 *       or a discard): settle the journal into the pool file, then build the image from it;</li>
 *   <li>control file says ready, image gone (deleted by hand): rebuild as after a power loss
 *       if no live process is attached, else refuse;</li>
 *   <li>an image without a ready control file (the control file was deleted by hand): refuse,
 *       since the image may hold changes that no dirty bit describes.</li>
 * </ul>
 *
 * <p>Thread- and process-safety: called under the pmsync mutex.
 */
public final class ImageAttachment {

    /**
     * A mapped working image.
     *
     * @param segment  its bytes
     * @param identity its file key
     */
    public record Mapped(MemorySegment segment, Object identity) {
    }

    private ImageAttachment() {
    }

    /**
     * @param control  the control file (mutex held)
     * @param entries  its process entries
     * @param commit   for the journal recovery
     * @param poolPath the pool file
     * @param d        its header
     * @param image    the working image's path
     * @param arena    owns the mapping
     * @return the mapped image, or null if the control file was discarded meanwhile (retry)
     * @throws IOException if the journal, the pool file or the image fail
     */
    public static Mapped attach(ControlFile control, ProcessEntries entries, PmsyncCommit commit, Path poolPath,
                                PoolDescriptor d, Path image, Arena arena) throws IOException {
        PersistentMemory c = control.memory();
        int state = c.getIntVolatile(ControlFile.IMAGE_STATE);
        if (state == IMAGE_DISCARDED) {
            return null;
        }
        boolean exists = Files.exists(image, LinkOption.NOFOLLOW_LINKS);
        if (state == IMAGE_NONE && exists) {
            throw new PoolFormatException(image + ": a working image without its control file (" + control.path()
                    + " is new): it may hold changes made after the last pmsync that no dirty bit describes; delete"
                    + " it to reopen the pool as of its last pmsync");
        }
        if (state == IMAGE_READY && !exists) {
            List<Long> live = entries.livePids(-1);
            if (!live.isEmpty()) {
                throw new PoolException(image + ": the working image was deleted while processes " + live
                        + " still have the pool open; close them first");
            }
            c.setIntVolatile(ControlFile.IMAGE_STATE, IMAGE_NONE);
            new DirtyPages(control).reset();
        }
        if (!exists) {
            commit.recoverJournal();
            removeOtherBoots(control.path(), image);
            WorkingImage.build(poolPath, d.geometry().size(), image);
            c.setIntVolatile(ControlFile.IMAGE_STATE, IMAGE_READY);
        }
        return map(image, d, arena);
    }

    private static Mapped map(Path image, PoolDescriptor d, Arena arena) throws IOException {
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            PoolDescriptor w = PoolFile.readHeader(ch, image);
            if (!w.uuid().equals(d.uuid()) || w.geometry().size() != d.geometry().size()) {
                throw new PoolFormatException(image + ": working image of another pool (UUID " + w.uuid() + ", "
                        + w.geometry().size() + " bytes; the pool file has " + d.uuid() + ", " + d.geometry().size()
                        + " bytes)");
            }
            Object key = Files.readAttributes(image, BasicFileAttributes.class).fileKey();
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_WRITE, 0, d.geometry().size(), arena);
            return new Mapped(seg, key != null ? key : image.toRealPath());
        }
    }

    /** Deletes this pool's working files left by earlier boots (only in a persistent work dir). */
    private static void removeOtherBoots(Path control, Path image) throws IOException {
        String ctl = control.getFileName().toString();
        String img = image.getFileName().toString();
        String prefix = ctl.substring(0, ctl.lastIndexOf('-') + 1);
        try (DirectoryStream<Path> mine = Files.newDirectoryStream(image.getParent(), prefix + "*")) {
            for (Path p : mine) {
                String name = p.getFileName().toString();
                if (!name.startsWith(ctl) && !name.startsWith(img)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
