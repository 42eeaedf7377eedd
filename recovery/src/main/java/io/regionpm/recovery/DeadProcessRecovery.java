package io.regionpm.recovery;

/**
 * What to do for a dead process's registry entry before the entry is reused: recover the
 * lanes and locks it held. Must be idempotent: if the recovering process dies too, the
 * entry is found dead again and recovered again.
 */
@FunctionalInterface
public interface DeadProcessRecovery {

    /**
     * @param entry      the dead process's entry
     * @param generation the entry's generation while the dead process held it
     */
    void recover(int entry, long generation);
}
