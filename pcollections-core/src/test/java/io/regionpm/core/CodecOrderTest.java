package io.regionpm.core;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.regionpm.core.Cases.Case;
import io.regionpm.testkit.Seeds;
import io.regionpm.testkit.Stress;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Order preservation: for every order-preserving codec, on every pair of edge cases and on
 * random pairs, the sign of the unsigned byte comparison of the encodings (both
 * {@link Arrays#compareUnsigned} and {@link Codec#compare} at odd offsets) is the sign of the
 * natural comparison of the values. For every codec, equal encodings mean equal values.
 */
class CodecOrderTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.regionpm.core.Cases#sortable")
    void byteOrderIsNaturalOrderOnEdgeCasesAndRandomPairs(Case<?> c) {
        checkOrder(c);
    }

    private static <T> void checkOrder(Case<T> c) {
        assertThat(c.codec().orderPreserving()).as("%s claims to be order-preserving", c.name()).isTrue();
        for (T a : c.edges()) {
            for (T b : c.edges()) {
                assertSameOrder(c.codec(), c.order(), a, b);
            }
        }
        Random random = new Random(Seeds.seed("CodecOrderTest." + c.name()));
        int pairs = Stress.scale(5_000, 500_000);
        for (int i = 0; i < pairs; i++) {
            T a = c.random().apply(random);
            T b = random.nextInt(8) == 0 ? a : c.random().apply(random);
            assertSameOrder(c.codec(), c.order(), a, b);
            assertSameOrder(c.codec(), c.order(), a, c.edges().get(random.nextInt(c.edges().size())));
        }
    }

    private static <T> void assertSameOrder(Codec<T> codec, Comparator<? super T> order, T a, T b) {
        int expected = Integer.signum(order.compare(a, b));
        byte[] ea = codec.toBytes(a);
        byte[] eb = codec.toBytes(b);
        if (Integer.signum(Arrays.compareUnsigned(ea, eb)) != expected) {
            assertThat(Integer.signum(Arrays.compareUnsigned(ea, eb)))
                    .as("%s: bytes of %s = %s vs %s = %s", codec.id(), Values.describe(a), Values.describe(ea),
                            Values.describe(b), Values.describe(eb))
                    .isEqualTo(expected);
        }
        if (Integer.signum(compareAtOffsets(codec, ea, eb)) != expected) {
            assertThat(Integer.signum(compareAtOffsets(codec, ea, eb)))
                    .as("%s: Codec.compare of %s vs %s", codec.id(), Values.describe(a), Values.describe(b))
                    .isEqualTo(expected);
        }
    }

    private static int compareAtOffsets(Codec<?> codec, byte[] ea, byte[] eb) {
        MemorySegment a = Values.guards(ea.length + 3);
        MemorySegment b = Values.guards(eb.length + 5);
        MemorySegment.copy(MemorySegment.ofArray(ea), 0, a, 3, ea.length);
        MemorySegment.copy(MemorySegment.ofArray(eb), 0, b, 5, eb.length);
        return codec.compare(a, 3, ea.length, b, 5, eb.length);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.regionpm.core.Cases#all")
    void equalEncodingsAreEqualValues(Case<?> c) {
        checkEquality(c);
    }

    private static <T> void checkEquality(Case<T> c) {
        Random random = new Random(Seeds.seed("CodecOrderTest.equality." + c.name()));
        List<T> values = new ArrayList<>(c.edges());
        for (int i = 0; i < Stress.scale(300, 3_000); i++) {
            values.add(c.random().apply(random));
        }
        List<byte[]> encodings = values.stream().map(c.codec()::toBytes).toList();
        for (int i = 0; i < values.size(); i++) {
            for (int j = 0; j < values.size(); j++) {
                boolean sameBytes = Arrays.equals(encodings.get(i), encodings.get(j));
                boolean equal = Objects.deepEquals(values.get(i), values.get(j));
                if (sameBytes != equal) {
                    assertThat(sameBytes).as("%s: %s vs %s", c.name(), Values.describe(values.get(i)),
                            Values.describe(values.get(j))).isEqualTo(equal);
                }
            }
        }
    }

    /** The two facts that make CESU-8 sort like {@link String#compareTo}, checked exhaustively. */
    @Test
    void stringOrderedUnitEncodingsSortLikeTheUnitsAndNoneIsAPrefixOfAnother() {
        byte[] previous = Codecs.STRING_ORDERED.toBytes("\u0000");
        for (int c = 1; c <= Character.MAX_VALUE; c++) {
            byte[] current = Codecs.STRING_ORDERED.toBytes(String.valueOf((char) c));
            if (Arrays.compareUnsigned(previous, current) >= 0 || Arrays.mismatch(previous, current) == previous.length) {
                assertThat(current).as("the encoding of U+%04X after that of U+%04X, not extending it", c, c - 1)
                        .isEqualTo(previous);
            }
            previous = current;
        }
    }

    @Test
    void stringOrderedPrefixesSortFirst() {
        Random random = new Random(Seeds.seed("CodecOrderTest.prefixes"));
        for (int i = 0; i < 2_000; i++) {
            String s = Samples.anyUtf16(random);
            String longer = s + Samples.anyUtf16(random) + (char) random.nextInt(0x10000);
            byte[] es = Codecs.STRING_ORDERED.toBytes(s);
            byte[] el = Codecs.STRING_ORDERED.toBytes(longer);
            assertThat(Arrays.copyOf(el, es.length)).as("prefix of %s", Values.describe(longer)).isEqualTo(es);
            assertThat(Arrays.compareUnsigned(es, el)).isNegative();
        }
    }

    /** Why {@link Codecs#STRING} is not order-preserving, and what it does order by. */
    @Test
    void utf8SortsByCodePointWhichDisagreesWithCompareToAboveTheSurrogates() {
        String emoji = "\ud83d\ude00";
        String last = "\uffff";
        assertThat(emoji.compareTo(last)).isNegative();
        assertThat(Arrays.compareUnsigned(Codecs.STRING.toBytes(emoji), Codecs.STRING.toBytes(last))).isPositive();
        assertThat(Arrays.compareUnsigned(Codecs.STRING_ORDERED.toBytes(emoji), Codecs.STRING_ORDERED.toBytes(last))).isNegative();
        assertThat(Codecs.STRING.orderPreserving()).isFalse();
        assertThat(Codecs.fixedString(8).orderPreserving()).isFalse();
        assertThat(Cases.LABEL.orderPreserving()).isFalse();

        Random random = new Random(Seeds.seed("CodecOrderTest.utf8CodePointOrder"));
        Comparator<String> byCodePoint = (a, b) -> Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());
        for (int i = 0; i < 5_000; i++) {
            String a = Samples.anyString(random);
            String b = Samples.anyString(random);
            assertThat(Integer.signum(Arrays.compareUnsigned(Codecs.STRING.toBytes(a), Codecs.STRING.toBytes(b))))
                    .as("%s vs %s", Values.describe(a), Values.describe(b))
                    .isEqualTo(Integer.signum(byCodePoint.compare(a, b)));
        }
    }

    @Test
    void theDefaultCompareIsUnsignedLexicographicWithPrefixesFirst() {
        Codec<byte[]> codec = Codecs.BYTES;
        MemorySegment s = MemorySegment.ofArray(new byte[] {9, 1, 2, (byte) 0x80, 1, 2, 1, 2, 3});
        assertThat(codec.compare(s, 1, 2, s, 4, 2)).isZero();
        assertThat(codec.compare(s, 1, 2, s, 6, 3)).isNegative();
        assertThat(codec.compare(s, 6, 3, s, 1, 2)).isPositive();
        assertThat(codec.compare(s, 2, 1, s, 3, 1)).isNegative();
        assertThat(codec.compare(s, 0, 0, s, 5, 0)).isZero();
        assertThat(codec.compare(s, 0, 0, s, 0, 1)).isNegative();
    }
}
