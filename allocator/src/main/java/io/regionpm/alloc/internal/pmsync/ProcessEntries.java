package io.regionpm.alloc.internal.pmsync;

import java.util.ArrayList;
import java.util.List;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolException;
import io.regionpm.alloc.ProcessToken;

import static io.regionpm.alloc.internal.pmsync.ControlFile.EXIT_SEQUENCE;

/**
 * The processes attached to a working image, one entry per open store: the owner token
 * (0 free) and a count of the operations it runs outside lanes. An entry is claimed by
 * compare-and-set from 0 or from the token of a dead process, and freed on close. A live
 * entry means that the process maps the working image, which must then not be rebuilt or
 * discarded.
 *
 * <p>Thread- and process-safety: claims and frees are atomic; entries are changed only under
 * the pmsync mutex, except that pmsync clears dead processes' entries at any time.
 */
public final class ProcessEntries {
    private final PersistentMemory c;
    private final ControlLayout layout;

    /** @param control the control file */
    public ProcessEntries(ControlFile control) {
        this.c = control.memory();
        this.layout = control.layout();
    }

    /**
     * Claims a free entry, or one left by a dead process.
     *
     * @param token this process's token
     * @param file  the control file, for the message
     * @return the entry
     * @throws PoolException if every entry belongs to a live process
     */
    public int attach(long token, Object file) {
        for (int e = 0; e < layout.entries(); e++) {
            long at = layout.entryToken(e);
            long owner = c.getLongVolatile(at);
            boolean free = owner == 0 || owner != token && !ProcessToken.isProcessAlive(owner);
            if (free && c.compareAndSetLong(at, owner, token)) {
                int left;
                do {
                    left = c.getIntVolatile(layout.entryCount(e));
                } while (!c.compareAndSetInt(layout.entryCount(e), left, 0));
                if (left != 0) { // a dead process's operations: a waiting pmsync may go on
                    c.getAndAddInt(EXIT_SEQUENCE, 1);
                    c.futexWake(EXIT_SEQUENCE, Integer.MAX_VALUE);
                }
                return e;
            }
        }
        throw new PoolException(file + ": all " + layout.entries() + " process entries of the pmsync control file"
                + " belong to live processes (the pool's registry size bounds the processes that may open it)");
    }

    /**
     * Frees an entry.
     *
     * @param entry the entry {@link #attach} gave
     * @param token this process's token
     */
    public void detach(int entry, long token) {
        c.compareAndSetLong(layout.entryToken(entry), token, 0);
    }

    /**
     * @param except an entry to leave out, or -1
     * @return the pids of live processes attached, other than through {@code except}
     */
    public List<Long> livePids(int except) {
        List<Long> pids = new ArrayList<>();
        for (int e = 0; e < layout.entries(); e++) {
            long owner = c.getLongVolatile(layout.entryToken(e));
            if (e != except && owner != 0 && ProcessToken.isProcessAlive(owner)) {
                pids.add(ProcessToken.pid(owner));
            }
        }
        return pids;
    }
}
