package io.regionpm.alloc;

/** The outcome of {@link PersistentMemory#futexWait}. */
public enum FutexResult {
    /** Woken by a {@code futexWake} on the same pool word (from any process), or spuriously. */
    WOKEN,
    /** The word did not hold the expected value when the wait began. */
    VALUE_CHANGED,
    /** The timeout elapsed. */
    TIMED_OUT,
    /** A signal interrupted the wait. */
    INTERRUPTED
}
