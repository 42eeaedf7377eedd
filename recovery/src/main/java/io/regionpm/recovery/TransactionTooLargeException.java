package io.regionpm.recovery;

import io.regionpm.alloc.PoolException;

/**
 * A transaction's log records do not fit in its lane's log space: the transaction is aborted
 * (nothing it did remains). Split the work into smaller transactions or create the pool with
 * more log bytes per lane.
 */
public final class TransactionTooLargeException extends PoolException {
    private static final long serialVersionUID = 1L;

    /** @param message what did not fit */
    public TransactionTooLargeException(String message) {
        super(message);
    }
}
