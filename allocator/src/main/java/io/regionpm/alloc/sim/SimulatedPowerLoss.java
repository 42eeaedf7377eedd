package io.regionpm.alloc.sim;

/**
 * Thrown by {@link SimulatedMemory} at the persistence point chosen with
 * {@link SimulatedMemory#crashAtPoint(long)}: the operation stops there, as if power had
 * failed. An {@link Error} so that no library code catches it by accident.
 */
public final class SimulatedPowerLoss extends Error {
    private static final long serialVersionUID = 1L;

    /** @param point the persistence point (1-based) at which power was lost */
    public SimulatedPowerLoss(long point) {
        super("simulated power loss at persistence point " + point, null, false, false);
    }
}
