package io.regionpm.core;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.spi.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Identities: distinct for distinct encodings, resolved by {@link Codecs#byId} for the built-in
 * ones, and changed by any edit of an enum's constants or a record's components, shown with two
 * versions of the same class compiled at test time.
 */
class CodecIdentityTest {

    @Test
    void identitiesAreDistinct() {
        List<String> ids = Cases.all().map(c -> c.codec().id()).toList();
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(Codecs.fixedBytes(4).id()).isNotEqualTo(Codecs.fixedBytes(5).id());
    }

    @Test
    void byIdResolvesEveryBuiltInIdentityToTheSameEncoding() {
        for (Codec<?> codec : List.of(Codecs.LONG, Codecs.INT, Codecs.DOUBLE, Codecs.STRING, Codecs.STRING_ORDERED,
                Codecs.BYTES, Codecs.UUID)) {
            assertThat(Codecs.byId(codec.id())).isSameAs(codec);
        }
        for (Codec<?> codec : List.of(Codecs.fixedBytes(1), Codecs.fixedBytes(16), Codecs.fixedString(7),
                Codecs.fixedBytes(Codec.MAX_ENCODED_BYTES))) {
            Codec<?> resolved = Codecs.byId(codec.id());
            assertThat(resolved.id()).isEqualTo(codec.id());
            assertThat(resolved.fixedSize()).isEqualTo(codec.fixedSize());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Long", "long ", "string", "fixed-bytes:", "fixed-bytes:0", "fixed-bytes:016", "fixed-bytes:+16",
            "fixed-bytes:-1", "fixed-bytes:1073741824", "fixed-bytes:99999999999", "fixed-bytes:x", "fixed-string-utf8:0"})
    void byIdRefusesWhatIsNotABuiltInIdentity(String id) {
        assertThatThrownBy(() -> Codecs.byId(id)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(id);
    }

    @Test
    void byIdExplainsThatEnumsAndRecordsNeedTheirClass() {
        assertThatThrownBy(() -> Codecs.byId(Codecs.enumOf(Cases.Suit.class).id()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Codecs.enumOf");
        assertThatThrownBy(() -> Codecs.byId(Cases.POINT.id()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Codecs.record");
    }

    @Test
    void reorderingRenamingOrAddingEnumConstantsChangesTheIdentity(@TempDir Path dir) throws Exception {
        Function<String, String> color = constants -> "package x; public enum Color { " + constants + " }";
        Map<String, String> ids = Map.of(
                "original", enumId(compile(dir.resolve("a"), "x.Color", color.apply("RED, GREEN"))),
                "again", enumId(compile(dir.resolve("b"), "x.Color", color.apply("RED, GREEN"))),
                "reordered", enumId(compile(dir.resolve("c"), "x.Color", color.apply("GREEN, RED"))),
                "renamed", enumId(compile(dir.resolve("d"), "x.Color", color.apply("RED, LIME"))),
                "added", enumId(compile(dir.resolve("e"), "x.Color", color.apply("RED, GREEN, BLUE"))));
        assertThat(ids.get("original")).isEqualTo("enum:x.Color(RED,GREEN)").isEqualTo(ids.get("again"));
        assertThat(List.of(ids.get("reordered"), ids.get("renamed"), ids.get("added")))
                .containsExactly("enum:x.Color(GREEN,RED)", "enum:x.Color(RED,LIME)", "enum:x.Color(RED,GREEN,BLUE)");
    }

    @Test
    void swappingOrRenamingRecordComponentsChangesTheIdentity(@TempDir Path dir) throws Exception {
        Function<String, String> point = components -> "package x; public record P(" + components + ") { }";
        assertThat(recordId(compile(dir.resolve("a"), "x.P", point.apply("int x, int y")))).isEqualTo("record:x.P(x:int,y:int)");
        assertThat(recordId(compile(dir.resolve("b"), "x.P", point.apply("int y, int x")))).isEqualTo("record:x.P(y:int,x:int)");
        assertThat(recordId(compile(dir.resolve("c"), "x.P", point.apply("int x, int z")))).isEqualTo("record:x.P(x:int,z:int)");
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static String enumId(Class<?> type) {
        return Codecs.enumOf((Class) type).id();
    }

    @SuppressWarnings("unchecked")
    private static String recordId(Class<?> type) {
        return Codecs.record((Class<? extends Record>) type, Codecs.INT, Codecs.INT).id();
    }

    /** Compiles one source file into {@code dir} and loads the class in a class loader of its own. */
    private static Class<?> compile(Path dir, String className, String source) throws IOException, ClassNotFoundException {
        Path file = dir.resolve(className.replace('.', '/') + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source);
        ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow();
        assertThat(javac.run(System.out, System.err, "-d", dir.toString(), file.toString())).as("javac exit code").isZero();
        URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, CodecIdentityTest.class.getClassLoader());
        return Class.forName(className, true, loader);
    }
}
