package io.regionpm.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.regionpm.core.Cases.Case;
import io.regionpm.testkit.Seeds;
import io.regionpm.testkit.Stress;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every codec, on its edge cases and on random values: the value comes back equal from a heap
 * array and from a native segment at an odd offset, exactly {@code encodedSize} bytes are
 * written (guard bytes around them intact), both paths write the same bytes, a fixed-size codec
 * always writes its fixed size, and re-encoding the decoded value gives the same bytes.
 */
class CodecRoundTripTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.regionpm.core.Cases#all")
    void edgeCasesAndRandomValuesComeBackEqual(Case<?> c) {
        check(c);
    }

    private static <T> void check(Case<T> c) {
        Random random = new Random(Seeds.seed("CodecRoundTripTest." + c.name()));
        int values = Stress.scale(2_000, 200_000);
        try (Arena arena = Arena.ofConfined()) {
            for (T edge : c.edges()) {
                assertRoundTrip(c.codec(), edge, arena);
            }
            for (int i = 0; i < values; i++) {
                assertRoundTrip(c.codec(), c.random().apply(random), arena);
            }
        }
    }

    private static <T> void assertRoundTrip(Codec<T> codec, T value, Arena arena) {
        String what = codec.id() + " of " + Values.describe(value);
        byte[] bytes = codec.toBytes(value);
        assertThat(bytes).as("size of %s", what).hasSize(codec.encodedSize(value));
        if (codec.fixedSize() >= 0) {
            assertThat(bytes).as("fixed size of %s", what).hasSize(codec.fixedSize());
        }
        T fromArray = codec.fromBytes(bytes);
        assertThat(fromArray).as(what).isEqualTo(value);
        MemorySegment segment = Values.encodeGuarded(codec, value, arena);
        assertThat(segment.asSlice(Values.SLACK, bytes.length).toArray(ValueLayout.JAVA_BYTE))
                .as("bytes written to a native segment for %s", what).isEqualTo(bytes);
        assertThat(codec.decode(segment, Values.SLACK, bytes.length)).as("from a native segment: %s", what).isEqualTo(value);
        assertThat(codec.toBytes(fromArray)).as("re-encoding %s", what).isEqualTo(bytes);
    }

    @Test
    void everyCodecConstantIsCovered() throws IllegalAccessException {
        Set<String> covered = Cases.all().map(c -> c.codec().id()).collect(Collectors.toSet());
        for (Field field : Codecs.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && Codec.class.isAssignableFrom(field.getType())) {
                assertThat(covered).as("Codecs.%s has a case", field.getName()).contains(((Codec<?>) field.get(null)).id());
            }
        }
    }

    @Test
    void nanPayloadsAndSignsAreStoredAsTheCanonicalNanButMinusZeroKeepsItsSign() {
        byte[] canonical = Codecs.DOUBLE.toBytes(Double.NaN);
        for (double nan : Samples.DOUBLE_EDGES.stream().filter(d -> Double.isNaN(d)).toList()) {
            assertThat(Codecs.DOUBLE.toBytes(nan)).as("NaN %s", Values.describe(nan)).isEqualTo(canonical);
            assertThat(Double.doubleToRawLongBits(Codecs.DOUBLE.fromBytes(Codecs.DOUBLE.toBytes(nan))))
                    .isEqualTo(0x7ff8000000000000L);
        }
        assertThat(Double.doubleToRawLongBits(Codecs.DOUBLE.fromBytes(Codecs.DOUBLE.toBytes(-0.0)))).isEqualTo(Long.MIN_VALUE);
        assertThat(Codecs.DOUBLE.toBytes(-0.0)).isNotEqualTo(Codecs.DOUBLE.toBytes(0.0));
    }

    @Test
    void fixedStringsAtExactlyTheirSizeInUtf8ComeBack() {
        Codec<String> codec = Codecs.fixedString(6);
        for (String s : new String[] {"abcdef", "\u00e9\u00e9\u00e9", "\u4e2d\u4e2d", "\ud83d\ude00ab", "", "\u00e9"}) {
            assertThat(codec.fromBytes(codec.toBytes(s))).as(Values.describe(s)).isEqualTo(s);
        }
    }

    @Test
    void stringOrderedKeepsUnpairedSurrogatesExactly() {
        for (String s : Samples.UNPAIRED_SURROGATES) {
            assertThat(Codecs.STRING_ORDERED.fromBytes(Codecs.STRING_ORDERED.toBytes(s))).as(Values.describe(s)).isEqualTo(s);
        }
    }

    @Test
    void everyUtf16CodeUnitAloneComesBackFromStringOrdered() {
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            String s = String.valueOf((char) c);
            assertThat(Codecs.STRING_ORDERED.fromBytes(Codecs.STRING_ORDERED.toBytes(s))).isEqualTo(s);
        }
    }

    @Test
    void everyCodePointComesBackFromStringAndStringOrdered() {
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (Character.isSurrogate((char) cp) && cp <= Character.MAX_VALUE) {
                continue;
            }
            String s = Character.toString(cp);
            assertThat(Codecs.STRING.fromBytes(Codecs.STRING.toBytes(s))).isEqualTo(s);
            assertThat(Codecs.STRING_ORDERED.fromBytes(Codecs.STRING_ORDERED.toBytes(s))).isEqualTo(s);
        }
    }

    @Test
    void recordComponentsWithZeroBytesSurviveFraming() {
        byte[] zeros = new byte[300];
        Cases.Blob blob = new Cases.Blob(zeros, "\u0000\u0000", zeros);
        byte[] bytes = Cases.BLOB.toBytes(blob);
        assertThat(Cases.BLOB.fromBytes(bytes)).isEqualTo(blob);
        assertThat(bytes).hasSize(2 * 300 + 2 + 2 * 2 + 2 + 300);
        assertThat(Arrays.equals(Cases.BLOB.fromBytes(bytes).tail(), zeros)).isTrue();
    }
}
