package io.regionpm.alloc.internal.pmsync;

/**
 * The steps of a pmsync, in order, reported to a test listener so that tests can stop or
 * kill a pmsync at each of them.
 */
public enum PmsyncStep {
    /** Every operation is outside; pages are about to be collected. */
    QUIESCED,
    /** The pages are copied out of the working image: the quiesce has ended, operations go on. */
    COPIED,
    /** The journal's pages, table, header and commit record are written, not yet forced. */
    JOURNAL_WRITTEN,
    /** The journal is durable: the commit point. */
    JOURNAL_DURABLE,
    /** The pages are written to the pool file, not yet forced. */
    POOL_WRITTEN,
    /** The pool file is durable. */
    POOL_DURABLE,
    /** The journal is marked empty. */
    JOURNAL_CLEARED,
    /** The in-flight bits are cleared; the quiesce ends next. */
    DONE
}
