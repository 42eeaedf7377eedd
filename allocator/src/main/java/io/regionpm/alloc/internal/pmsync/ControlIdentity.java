package io.regionpm.alloc.internal.pmsync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import java.util.UUID;
import java.util.zip.CRC32C;

import io.regionpm.alloc.PoolDescriptor;

/**
 * What ties a control file and a working image to one pool file in one boot of the machine:
 * the pool's UUID and size, a hash of the pool file's key (device and inode, so that a copy
 * of the pool file gets working files of its own), the kernel's boot id (so that files that
 * outlived a reboot in a persistent directory are never taken for this boot's), and the
 * lane and registry counts that size the control file. The working files' names are derived
 * from it.
 *
 * @param pool      the pool's UUID
 * @param poolSize  the pool's size in bytes
 * @param poolKey   a 32-bit hash of the pool file's key
 * @param boot      the boot id, or the zero UUID where the kernel does not tell
 * @param lanes     the pool's lane count
 * @param entries   the pool's registry entries: processes that may attach at once
 */
public record ControlIdentity(UUID pool, long poolSize, long poolKey, UUID boot, int lanes, int entries) {
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

    /**
     * @param poolFile the pool file
     * @param d        its validated header
     * @return the identity of its working files in this boot
     * @throws IOException if the file's key cannot be read
     */
    public static ControlIdentity of(Path poolFile, PoolDescriptor d) throws IOException {
        Object key = Files.readAttributes(poolFile, BasicFileAttributes.class).fileKey();
        String keyText = key != null ? key.toString() : poolFile.toRealPath().toString();
        CRC32C crc = new CRC32C();
        crc.update(keyText.getBytes(StandardCharsets.UTF_8));
        return new ControlIdentity(d.uuid(), d.geometry().size(), crc.getValue(), bootId(), d.geometry().laneCount(),
                d.geometry().registryEntries());
    }

    /** @return this boot's id, or the zero UUID if the kernel does not give one */
    static UUID bootId() {
        try {
            return UUID.fromString(Files.readString(BOOT_ID).trim());
        } catch (IOException | IllegalArgumentException e) {
            return new UUID(0, 0);
        }
    }

    /** @param workDir the working directory @return the control file's path */
    public Path controlPath(Path workDir) {
        return workDir.resolve(stem() + ".ctl");
    }

    /** @param workDir the working directory @return the working image's path */
    public Path imagePath(Path workDir) {
        return workDir.resolve(stem() + ".work");
    }

    /** @return the prefix of every working file of this pool, whatever the boot */
    public String poolPrefix() {
        return "pcol-" + pool + "-" + String.format(Locale.ROOT, "%08x", poolKey) + "-";
    }

    private String stem() {
        return poolPrefix() + String.format(Locale.ROOT, "%08x", boot.getMostSignificantBits() >>> 32);
    }
}
