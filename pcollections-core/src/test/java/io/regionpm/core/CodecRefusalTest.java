package io.regionpm.core;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.util.HexFormat;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.regionpm.core.Cases.Case;
import io.regionpm.core.internal.codec.BytesCodec;
import io.regionpm.core.internal.codec.Cesu8StringCodec;
import io.regionpm.core.internal.codec.Utf8StringCodec;
import io.regionpm.testkit.Stress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What codecs refuse, and that they refuse it clearly and before writing anything: nulls,
 * unpaired surrogates in UTF-8, values too large, encodings that do not fit the destination,
 * and bytes that are not an encoding (wrong length, malformed UTF-8 or CESU-8, unknown
 * ordinals, broken record frames).
 */
class CodecRefusalTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.regionpm.core.Cases#all")
    void nullIsRefusedWithNullPointerException(Case<?> c) {
        @SuppressWarnings("unchecked")
        Codec<Object> codec = (Codec<Object>) c.codec();
        MemorySegment dst = Values.guards(64);
        assertThatThrownBy(() -> codec.encodedSize(null)).isInstanceOf(NullPointerException.class).hasMessageContaining(codec.id());
        assertThatThrownBy(() -> codec.encode(null, dst, 0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> codec.toBytes(null)).isInstanceOf(NullPointerException.class);
        assertThat(Values.untouched(dst)).isTrue();
    }

    @Test
    void aNullRecordComponentIsRefusedByName() {
        assertThatThrownBy(() -> Cases.NAMED.toBytes(new Cases.Named(null, 1)))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("component name is null");
    }

    static Stream<Arguments> unpairedSurrogates() {
        return Stream.of(
                Arguments.of("high alone", "\ud83d", 0, "high"),
                Arguments.of("low alone", "\ude00", 0, "low"),
                Arguments.of("reversed pair", "ab\ude00\ud83d", 2, "low"),
                Arguments.of("high at the end", "abc\ud83d", 3, "high"),
                Arguments.of("low at the start", "\ude00abc", 0, "low"),
                Arguments.of("high before a non-surrogate", "\ud83d\ude00x\ud83dy", 3, "high"),
                Arguments.of("two highs then a low", "\ud83d\ud83d\ude00", 0, "high"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unpairedSurrogates")
    void utf8RefusesUnpairedSurrogatesNamingTheIndexBeforeWriting(String name, String s, int index, String kind) {
        for (Codec<String> codec : java.util.List.of(Codecs.STRING, Codecs.fixedString(64))) {
            MemorySegment dst = Values.guards(64);
            assertThatThrownBy(() -> codec.encode(s, dst, 0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unpaired " + kind + " surrogate")
                    .hasMessageContaining("at index " + index)
                    .hasMessageContaining(codec.id());
            assertThat(Values.untouched(dst)).as("nothing written").isTrue();
        }
        assertThat(Codecs.STRING_ORDERED.fromBytes(Codecs.STRING_ORDERED.toBytes(s))).isEqualTo(s);
    }

    @Test
    void valuesLargerThanTheLimitAreRefusedBeforeWriting() {
        int limit = 16;
        MemorySegment dst = Values.guards(64);
        assertThat(new BytesCodec(limit).toBytes(new byte[limit])).hasSize(limit);
        assertThatThrownBy(() -> new BytesCodec(limit).encode(new byte[limit + 1], dst, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("17 bytes, more than the maximum of 16");
        assertThat(new Utf8StringCodec(limit).toBytes("\u00e9".repeat(8))).hasSize(limit);
        assertThatThrownBy(() -> new Utf8StringCodec(limit).encode("\u00e9".repeat(8) + "a", dst, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("17 bytes");
        assertThat(new Cesu8StringCodec(limit).toBytes("\u4e2d".repeat(5) + "a")).hasSize(limit);
        assertThatThrownBy(() -> new Cesu8StringCodec(limit).encode("\ud83d\ude00".repeat(3), dst, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("18 bytes");
        assertThat(Values.untouched(dst)).as("nothing written").isTrue();
        assertThatThrownBy(() -> new BytesCodec(limit).decode(MemorySegment.ofArray(new byte[17]), 0, 17))
                .isInstanceOf(CodecException.class);
    }

    /** A record whose components add up to more than the maximum: refused by the real limit. */
    @Test
    void aRecordOverTheMaximumIsRefusedBeforeWriting() {
        record Huge(int n, String s) {
        }
        Codec<String> nearlyMax = new Codec<>() {
            public String id() {
                return "nearly-max";
            }

            public boolean orderPreserving() {
                return false;
            }

            public int fixedSize() {
                return -1;
            }

            public int encodedSize(String value) {
                return MAX_ENCODED_BYTES - 3;
            }

            public void encode(String value, MemorySegment dst, long offset) {
                throw new AssertionError("must not be reached");
            }

            public String decode(MemorySegment src, long offset, int length) {
                throw new AssertionError("must not be reached");
            }
        };
        Codec<Huge> codec = Codecs.record(MethodHandles.lookup(), Huge.class, Codecs.INT, nearlyMax);
        MemorySegment dst = Values.guards(64);
        assertThatThrownBy(() -> codec.encode(new Huge(1, "x"), dst, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining((Codec.MAX_ENCODED_BYTES + 1) + " bytes, more than the maximum of " + Codec.MAX_ENCODED_BYTES);
        assertThat(Values.untouched(dst)).isTrue();
    }

    /** The real limit on strings: half a GiB of heap, so only under the stress profile. */
    @Test
    void stringsOverTheRealMaximumAreRefused() {
        assumeTrue(Stress.enabled(), "needs a 512 MiB string: stress profile only");
        String twoByteChars = "\u00e9".repeat(1 << 29);
        assertThatThrownBy(() -> Codecs.STRING.encodedSize(twoByteChars)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining((1 << 30) + " bytes");
        assertThatThrownBy(() -> Codecs.STRING_ORDERED.encodedSize(twoByteChars)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining((1 << 30) + " bytes");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.regionpm.core.Cases#all")
    void anEncodingThatDoesNotFitTheDestinationWritesNothing(Case<?> c) {
        checkBounds(c);
    }

    private static <T> void checkBounds(Case<T> c) {
        T value = c.edges().getLast();
        int size = c.codec().encodedSize(value);
        if (size == 0) {
            return;
        }
        MemorySegment dst = Values.guards(size + 4);
        assertThatThrownBy(() -> c.codec().encode(value, dst, 5)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> c.codec().encode(value, dst, -1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(Values.untouched(dst)).isTrue();
        assertThatThrownBy(() -> c.codec().decode(dst, 5, size)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.regionpm.core.Cases#all")
    void aFixedSizeCodecRefusesAnyOtherLengthNamingBoth(Case<?> c) {
        int fixed = c.codec().fixedSize();
        if (fixed < 0) {
            return;
        }
        MemorySegment src = MemorySegment.ofArray(new byte[fixed + 2]);
        for (int length : new int[] {0, fixed - 1, fixed + 1, fixed + 2}) {
            if (length >= 0 && length != fixed) {
                assertThatThrownBy(() -> c.codec().decode(src, 0, length)).isInstanceOf(CodecException.class)
                        .hasMessage(c.codec().id() + ": an encoding is " + fixed + " bytes, not " + length);
            }
        }
        assertThatThrownBy(() -> c.codec().decode(src, 0, -1)).isInstanceOf(CodecException.class);
    }

    @ParameterizedTest
    @MethodSource
    void malformedBytesAreRefused(Codec<?> codec, String hex, String message) {
        byte[] bytes = HexFormat.of().parseHex(hex.replace(" ", ""));
        assertThatThrownBy(() -> codec.fromBytes(bytes)).isInstanceOf(CodecException.class)
                .hasMessageContaining(codec.id()).hasMessageContaining(message);
    }

    static Stream<Arguments> malformedBytesAreRefused() {
        return Stream.of(
                Arguments.of(Codecs.STRING, "c0 80", "malformed UTF-8"),
                Arguments.of(Codecs.STRING, "e0 80 80", "malformed UTF-8"),
                Arguments.of(Codecs.STRING, "ed a0 80", "malformed UTF-8"),
                Arguments.of(Codecs.STRING, "ed a0 bd ed b8 80", "malformed UTF-8"),
                Arguments.of(Codecs.STRING, "61 e2 82", "malformed UTF-8"),
                Arguments.of(Codecs.STRING, "80", "malformed UTF-8"),
                Arguments.of(Codecs.STRING, "f8 88 80 80 80", "malformed UTF-8"),
                Arguments.of(Codecs.STRING, "f4 90 80 80", "malformed UTF-8"),
                Arguments.of(Codecs.STRING_ORDERED, "c0 80", "overlong"),
                Arguments.of(Codecs.STRING_ORDERED, "e0 9f bf", "overlong"),
                Arguments.of(Codecs.STRING_ORDERED, "f0 9f 98 80", "cannot start"),
                Arguments.of(Codecs.STRING_ORDERED, "61 80", "at byte 1"),
                Arguments.of(Codecs.STRING_ORDERED, "61 e4 b8", "continuation byte"),
                Arguments.of(Codecs.STRING_ORDERED, "c3 41", "continuation byte"),
                Arguments.of(Codecs.fixedString(4), "61 00 62 00", "follows the zero padding"),
                Arguments.of(Codecs.fixedString(4), "ff 00 00 00", "malformed UTF-8"),
                Arguments.of(Codecs.enumOf(Cases.Suit.class), "00 00 00 04", "ordinal 4 is not one of the 4 constants"),
                Arguments.of(Codecs.enumOf(Cases.Suit.class), "80 00 00 00", "ordinal -2147483648"),
                Arguments.of(Cases.NAMED, "61 00 00", "ends inside component id"),
                Arguments.of(Cases.NAMED, "61 00 01 00 00 80 00 00 00 00 00 00 01", "neither escaped nor a terminator"),
                Arguments.of(Cases.NAMED, "61 62", "no terminator"),
                Arguments.of(Cases.NAMED, "61 00", "no terminator"),
                Arguments.of(Cases.NAMED, "61 00 00 80 00 00 00 00 00 00 01 ff", "1 byte(s) after the last component"),
                Arguments.of(Cases.NAMED, "c0 80 00 00 80 00 00 00 00 00 00 01", "component name: string-cesu8: malformed"),
                Arguments.of(Cases.POINT, "80 00 00 01", "an encoding is 8 bytes, not 4"),
                Arguments.of(Cases.NESTED, "61 00ff 00ff 80 00ff 00ff 00ff 00ff 00ff 00ff 01 0000  00 00 00 09  80 00 00 00 00 00 00 00",
                        "component suit: enum:io.regionpm.core.Cases$Suit(CLUBS,DIAMONDS,HEARTS,SPADES): ordinal 9"),
                Arguments.of(Cases.NESTED, "61 00ff 00ff 80 00ff 00ff 00ff 00ff 00ff 00ff 01 ff 0000  00 00 00 00  80 00 00 00 00 00 00 00",
                        "component named: record:io.regionpm.core.Cases$Named(name:string-cesu8,id:long): 1 byte(s) after the last component"));
    }

    @Test
    void aConstructorThatRefusesDecodedComponentsIsACodecException() {
        record Positive(int n) {
            Positive {
                if (n <= 0) {
                    throw new IllegalArgumentException("not positive: " + n);
                }
            }
        }
        Codec<Positive> codec = Codecs.record(MethodHandles.lookup(), Positive.class, Codecs.INT);
        assertThatThrownBy(() -> codec.fromBytes(Codecs.INT.toBytes(-5))).isInstanceOf(CodecException.class)
                .hasMessageContaining("constructor refused").hasRootCauseMessage("not positive: -5");
    }

    @Test
    void fixedCodecsRefuseValuesOfTheWrongSize() {
        assertThatThrownBy(() -> Codecs.fixedBytes(16).toBytes(new byte[15])).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fixed-bytes:16: the array has 15 bytes, not 16");
        assertThatThrownBy(() -> Codecs.fixedString(4).toBytes("abcd\u00e9")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("6 bytes in UTF-8, more than 4");
        assertThatThrownBy(() -> Codecs.fixedString(4).toBytes("ab\u0000")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("U+0000 at index 2");
        for (int n : new int[] {0, -1, Codec.MAX_ENCODED_BYTES + 1}) {
            assertThatThrownBy(() -> Codecs.fixedBytes(n)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("" + n);
            assertThatThrownBy(() -> Codecs.fixedString(n)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    @Test
    void aValueOfTheWrongClassThroughARawCodecIsAClassCastNamingBoth() {
        Codec raw = Codecs.LONG;
        assertThatThrownBy(() -> raw.toBytes("7")).isInstanceOf(ClassCastException.class)
                .hasMessage("long: a java.lang.String is not a java.lang.Long");
    }

    record Private(int a, String b) {
    }

    @Test
    void recordCodecsCheckTheirComponents() {
        assertThatThrownBy(() -> Codecs.record(Cases.Point.class, Codecs.INT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has 2 components but 1 codecs");
        assertThatThrownBy(() -> Codecs.record(Cases.Point.class, Codecs.INT, Codecs.LONG))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("io.regionpm.core.Cases$Point.y is a int but the codec long is for java.lang.Long");
        assertThatThrownBy(() -> Codecs.record(Private.class, Codecs.INT, Codecs.STRING))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MethodHandles.lookup()");
        Codec<Private> viaLookup = Codecs.record(MethodHandles.lookup(), Private.class, Codecs.INT, Codecs.STRING);
        assertThat(viaLookup.fromBytes(viaLookup.toBytes(new Private(3, "x")))).isEqualTo(new Private(3, "x"));
        assertThatThrownBy(() -> Codecs.record(Cases.Point.class, Codecs.INT, withId("a,b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be nested");
        assertThatThrownBy(() -> Codecs.record(Cases.Point.class, Codecs.INT, withId("a(b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be nested");
        assertThat(Codecs.record(Cases.Point.class, Codecs.INT, withId("custom(a,b)")).id())
                .isEqualTo("record:io.regionpm.core.Cases$Point(x:int,y:custom(a,b))");
    }

    private static Codec<Integer> withId(String id) {
        return new Codec<>() {
            public String id() {
                return id;
            }

            public boolean orderPreserving() {
                return true;
            }

            public int fixedSize() {
                return 4;
            }

            public int encodedSize(Integer value) {
                return 4;
            }

            public void encode(Integer value, MemorySegment dst, long offset) {
                Codecs.INT.encode(value, dst, offset);
            }

            public Integer decode(MemorySegment src, long offset, int length) {
                return Codecs.INT.decode(src, offset, length);
            }
        };
    }
}
