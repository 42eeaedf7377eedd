package io.regionpm.core;

import io.regionpm.alloc.PoolSpec;

/**
 * How durable a mutating call is when it returns (DESIGN.md section 3); a pool property fixed
 * at creation and shown by {@link Pool#stats()}.
 */
public enum Durability {
    /** Every call that returned is durable; nothing partial after power loss. */
    SYNC(PoolSpec.SYNC),
    /** Calls are visible to all JVMs and atomic against process crash; {@link Pool#pmsync()} makes everything before it durable atomically. */
    PMSYNC(PoolSpec.PMSYNC),
    /** Visible to all JVMs and atomic against process crash; undefined after power loss (for /dev/shm sharing). */
    NONE(PoolSpec.NONE);

    private final int code;

    Durability(int code) {
        this.code = code;
    }

    /** @return the code stored in the pool header */
    public int code() {
        return code;
    }

    /**
     * @param code a header code
     * @return its durability
     * @throws IllegalArgumentException for an unknown code
     */
    public static Durability ofCode(int code) {
        for (Durability d : values()) {
            if (d.code == code) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown durability code " + code);
    }
}
