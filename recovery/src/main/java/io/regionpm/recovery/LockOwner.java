package io.regionpm.recovery;

/**
 * The owner word that the robust locks store: which registration (registry entry and its
 * generation) and which lane hold the lock. 0 means free.
 *
 * <pre>
 * | bits  | field                                   |
 * | 52-63 | registry entry + 1 (1 to 4095)          |
 * | 40-51 | lane + 1 (0: the owner holds no lane)   |
 * |  0-39 | the entry's generation (low 40 bits)    |
 * </pre>
 *
 * <p>Thread-safety: stateless.
 */
public final class LockOwner {
    private static final long GENERATION_MASK = (1L << 40) - 1;
    private static final int LANE_SHIFT = 40;
    private static final int ENTRY_SHIFT = 52;
    private static final long FIELD_MASK = 0xFFF;

    private LockOwner() {
    }

    /**
     * @param r    the owner's registration
     * @param lane its lane, or -1
     * @return the owner word
     */
    public static long word(Registration r, int lane) {
        if (r.entry() < 0 || r.entry() >= FIELD_MASK || lane < -1 || lane >= FIELD_MASK) {
            throw new IllegalArgumentException("registry entry " + r.entry() + " or lane " + lane + " out of range");
        }
        return (long) (r.entry() + 1) << ENTRY_SHIFT | (long) (lane + 1) << LANE_SHIFT | r.generation() & GENERATION_MASK;
    }

    /** @param owner an owner word @return its registry entry */
    public static int entry(long owner) {
        return (int) (owner >>> ENTRY_SHIFT) - 1;
    }

    /** @param owner an owner word @return its lane, or -1 */
    public static int lane(long owner) {
        return (int) (owner >>> LANE_SHIFT & FIELD_MASK) - 1;
    }

    /** @param owner an owner word @return its generation (low 40 bits) */
    public static long generation(long owner) {
        return owner & GENERATION_MASK;
    }

    /**
     * @param a an owner word
     * @param b another
     * @return whether they name the same registration (lanes may differ)
     */
    public static boolean sameRegistration(long a, long b) {
        return entry(a) == entry(b) && generation(a) == generation(b) && a != 0 && b != 0;
    }

    /** @param owner an owner word @return a description for messages */
    public static String describe(long owner) {
        return "registry entry " + entry(owner) + " (generation " + generation(owner) + ", lane " + lane(owner) + ")";
    }
}
