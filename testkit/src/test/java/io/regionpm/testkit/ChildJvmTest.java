package io.regionpm.testkit;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChildJvmTest {

    /** Prints its argument, echoes one line of input, exits with code 3. */
    public static final class Echo {
        public static void main(String[] args) throws Exception {
            System.out.println("HELLO " + args[0]);
            System.out.println("ECHO " + new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine());
            System.exit(3);
        }
    }

    /** Runs until killed. */
    public static final class Forever {
        public static void main(String[] args) throws Exception {
            System.out.println("RUNNING");
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    @Test
    void readsLinesSendsInputAndReportsTheExitCode() {
        try (ChildJvm child = ChildJvm.start(Echo.class, "world")) {
            assertThat(child.awaitLine("HELLO", Duration.ofSeconds(30))).isEqualTo("HELLO world");
            child.send("ping");
            assertThat(child.awaitLine("ECHO", Duration.ofSeconds(30))).isEqualTo("ECHO ping");
            assertThat(child.awaitExit(Duration.ofSeconds(30))).isEqualTo(3);
            assertThatThrownBy(() -> child.awaitLine("NEVER", Duration.ofSeconds(5)))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("ended before");
        }
    }

    @Test
    void killHardEndsTheChildWithSigkill() {
        try (ChildJvm child = ChildJvm.start(Forever.class)) {
            child.awaitLine("RUNNING", Duration.ofSeconds(30));
            child.killHard();
            assertThat(child.isAlive()).isFalse();
            assertThat(child.awaitExit(Duration.ofSeconds(5))).isEqualTo(137);
        }
    }
}
