package io.regionpm.recovery;

/**
 * Brackets every operation that changes the pool, so that a durability layer can take a
 * consistent copy between operations (PMSYNC's quiesce: {@code pmsync()} waits for the
 * operations in progress and holds new ones back while it copies). Enter and exit nest per
 * thread; only the outermost pair counts.
 *
 * <p>Thread-safety: implementations are safe for any thread and process.
 */
public interface OperationBarrier {
    /** No barrier (SYNC and NONE pools). */
    OperationBarrier NONE = new OperationBarrier() {
        @Override
        public void enter() {
        }

        @Override
        public void exit() {
        }
    };

    /** Waits while a copy runs, then keeps copies from starting until {@link #exit()}. */
    void enter();

    /** Ends the operation entered last by this thread. */
    void exit();
}
