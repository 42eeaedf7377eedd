package io.regionpm.testkit;

/**
 * The main-method frame of a child JVM: on any failure it prints {@code FAILED <reason>} (the
 * line {@link ChildJvm#awaitLine} reports) and the stack trace, and exits 2.
 *
 * <p>Thread-safety: stateless.
 */
public final class ChildMain {
    private ChildMain() {
    }

    /** What a child does. */
    @FunctionalInterface
    public interface Body {
        /** @throws Exception anything: reported as FAILED */
        void run() throws Exception;
    }

    /**
     * Runs {@code body}, then exits 0; on a failure reports it and exits 2.
     *
     * @param body the child's work
     */
    public static void run(Body body) {
        try {
            body.run();
        } catch (Throwable t) {
            fail(t);
        }
        System.exit(0);
    }

    /**
     * Reports a failure and exits 2.
     *
     * @param t what went wrong
     */
    public static void fail(Throwable t) {
        System.out.println("FAILED " + t);
        t.printStackTrace();
        System.out.flush();
        System.exit(2);
    }
}
