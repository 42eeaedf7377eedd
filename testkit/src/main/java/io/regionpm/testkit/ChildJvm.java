package io.regionpm.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running a main class on this JVM's class path, for tests that need several
 * processes: sharing a pool, crashing with SIGKILL at a random instant, futex wake-ups.
 * Standard output and error are merged and read line by line by a daemon thread.
 *
 * <p>Thread-safety: meant for the test thread that started it. Closing kills the child if
 * it is still running, so a failing test leaves no process behind.
 */
public final class ChildJvm implements AutoCloseable {
    private static final String EOF = "\u0000EOF";

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuffer output = new StringBuffer();
    private final Writer stdin;
    private final CountDownLatch outputClosed = new CountDownLatch(1);

    private ChildJvm(Process process) {
        this.process = process;
        this.stdin = process.outputWriter(StandardCharsets.UTF_8);
        Thread reader = new Thread(this::drain, "child-" + process.pid() + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code main} in a new JVM with the class path of this one and native access on.
     *
     * @param main the class whose {@code main} runs
     * @param args its arguments
     * @return the running child
     */
    public static ChildJvm start(Class<?> main, String... args) {
        return start(List.of(), main, args);
    }

    /**
     * Starts {@code main} in a new JVM with the class path of this one, native access on and
     * extra JVM options (for example {@code -Dkey=value} or a larger {@code -Xmx}).
     *
     * @param jvmArgs extra JVM options, placed before the class path
     * @param main    the class whose {@code main} runs
     * @param args    its arguments
     * @return the running child
     */
    public static ChildJvm start(List<String> jvmArgs, Class<?> main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        try {
            return new ChildJvm(new ProcessBuilder(command).redirectErrorStream(true).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start child JVM " + command, e);
        }
    }

    private void drain() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                output.append(line).append('\n');
                lines.add(line);
            }
        } catch (IOException e) {
            output.append("[output closed: ").append(e.getMessage()).append("]\n");
        } finally {
            lines.add(EOF);
            outputClosed.countDown();
        }
    }

    /** @return the child's pid */
    public long pid() {
        return process.pid();
    }

    /** @return whether the child still runs */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Reads the child's output until a line starts with {@code prefix}.
     *
     * @param prefix  what to wait for
     * @param timeout how long at most
     * @return the whole line
     * @throws AssertionError with the child's output if it exits or the time runs out first
     */
    public String awaitLine(String prefix, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError("child " + pid() + " printed no line starting with '" + prefix
                            + "' within " + timeout + "; output:\n" + output);
                }
                if (line.equals(EOF)) {
                    lines.add(EOF);
                    throw new AssertionError("child " + pid() + " ended before printing '" + prefix
                            + "'; output:\n" + output);
                }
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * Sends one line to the child's standard input.
     *
     * @param line the text, without newline
     */
    public void send(String line) {
        try {
            stdin.write(line + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("child " + pid() + " does not read its input", e);
        }
    }

    /**
     * Kills the child with SIGKILL and reaps it. The kill goes through the process handle,
     * not {@code Process.destroyForcibly()}, which also closes the child's output and so
     * loses the lines not yet read (see {@link #awaitOutputClosed}).
     */
    public void killHard() {
        process.toHandle().destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
    }

    /**
     * @param timeout how long at most
     * @return the exit code (137 after SIGKILL)
     * @throws AssertionError with the output if it does not exit in time
     */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new AssertionError("child " + pid() + " still runs after " + timeout + "; output:\n" + output);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * Waits until the child's output has ended (it exited, or closed it) and every line of
     * it is in {@link #output()}: after {@link #killHard()} the last lines may still be on
     * their way.
     *
     * @param timeout how long at most
     * @throws AssertionError if the output is still open then
     */
    public void awaitOutputClosed(Duration timeout) {
        try {
            if (!outputClosed.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new AssertionError("child " + pid() + "'s output still open after " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** @return everything the child printed so far */
    public String output() {
        return output.toString();
    }

    /** Kills the child if it still runs. */
    @Override
    public void close() {
        if (process.isAlive()) {
            killHard();
        }
    }
}
