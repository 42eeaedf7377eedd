package io.regionpm.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

/** Every codec under test, with a random generator, its edge cases and its natural order. */
final class Cases {

    /**
     * @param name   shown in test names
     * @param codec  the codec
     * @param random a generator, biased towards trouble
     * @param edges  the edge cases
     * @param order  the natural order the encoding must follow, or null if not order-preserving
     * @param <T>    the value type
     */
    record Case<T>(String name, Codec<T> codec, Function<Random, T> random, List<T> edges, Comparator<? super T> order) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** An enum for codec tests. */
    public enum Suit { CLUBS, DIAMONDS, HEARTS, SPADES }

    /** Two fixed-size components: the record is fixed-size. */
    public record Point(int x, int y) {
    }

    /** A variable-size component first: framed. */
    public record Named(String name, long id) {
    }

    /** Two framed components and an unframed variable-size last one; arrays compared by content. */
    public record Blob(byte[] data, String label, byte[] tail) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Blob b && Arrays.equals(data, b.data) && label.equals(b.label) && Arrays.equals(tail, b.tail);
        }

        @Override
        public int hashCode() {
            return (Arrays.hashCode(data) * 31 + label.hashCode()) * 31 + Arrays.hashCode(tail);
        }

        @Override
        public String toString() {
            return "Blob[" + Arrays.toString(data) + ", " + Values.describe(label) + ", " + Arrays.toString(tail) + "]";
        }
    }

    /** A framed record inside a record, then an enum and a double. */
    public record Nested(Named named, Suit suit, double weight) {
    }

    /** Not order-preserving: a UTF-8 string. */
    public record Label(String text, UUID id) {
    }

    /** No components at all. */
    public record Empty() {
    }

    static final Comparator<byte[]> UNSIGNED = Arrays::compareUnsigned;
    static final Comparator<Named> NAMED_ORDER = Comparator.comparing(Named::name).thenComparingLong(Named::id);

    static final Codec<Point> POINT = Codecs.record(Point.class, Codecs.INT, Codecs.INT);
    static final Codec<Named> NAMED = Codecs.record(Named.class, Codecs.STRING_ORDERED, Codecs.LONG);
    static final Codec<Blob> BLOB = Codecs.record(Blob.class, Codecs.BYTES, Codecs.STRING_ORDERED, Codecs.BYTES);
    static final Codec<Nested> NESTED = Codecs.record(Nested.class, NAMED, Codecs.enumOf(Suit.class), Codecs.DOUBLE);
    static final Codec<Label> LABEL = Codecs.record(Label.class, Codecs.STRING, Codecs.UUID);
    static final Codec<Empty> EMPTY = Codecs.record(Empty.class);

    private Cases() {
    }

    static Stream<Case<?>> all() {
        List<Case<?>> cases = new ArrayList<>(List.of(
                new Case<>("LONG", Codecs.LONG, Samples::anyLong, Samples.LONG_EDGES, Comparator.naturalOrder()),
                new Case<>("INT", Codecs.INT, Samples::anyInt, Samples.INT_EDGES, Comparator.naturalOrder()),
                new Case<>("DOUBLE", Codecs.DOUBLE, Samples::anyDouble, Samples.DOUBLE_EDGES, Double::compare),
                new Case<>("STRING", Codecs.STRING, Samples::anyString, Samples.STRING_EDGES, null),
                new Case<>("STRING_ORDERED", Codecs.STRING_ORDERED, Samples::anyUtf16,
                        concat(Samples.STRING_EDGES, Samples.UNPAIRED_SURROGATES), Comparator.naturalOrder()),
                new Case<>("BYTES", Codecs.BYTES, Samples::anyBytes, Samples.BYTES_EDGES, UNSIGNED),
                new Case<>("UUID", Codecs.UUID, Samples::anyUuid, Samples.UUID_EDGES, Comparator.naturalOrder()),
                new Case<>("fixedBytes(1)", Codecs.fixedBytes(1), r -> Samples.bytes(r, 1),
                        List.of(new byte[] {0}, new byte[] {(byte) 0xff}), UNSIGNED),
                new Case<>("fixedBytes(16)", Codecs.fixedBytes(16), r -> Samples.bytes(r, 16),
                        List.of(new byte[16], filled(16, (byte) 0xff), filled(16, (byte) 0x80)), UNSIGNED),
                new Case<>("fixedString(12)", Codecs.fixedString(12), Cases::fixedString,
                        List.of("", "a", "abcdefghijkl", "\u00e9".repeat(6), "\ud83d\ude00".repeat(3), "\uffff".repeat(4)), null),
                new Case<>("enumOf(Suit)", Codecs.enumOf(Suit.class), r -> Suit.values()[r.nextInt(4)],
                        List.of(Suit.values()), Comparator.naturalOrder()),
                new Case<>("record(Point)", POINT, r -> new Point(Samples.anyInt(r), Samples.anyInt(r)),
                        List.of(new Point(Integer.MIN_VALUE, 0), new Point(-1, Integer.MAX_VALUE), new Point(0, -1)),
                        Comparator.comparingInt(Point::x).thenComparingInt(Point::y)),
                new Case<>("record(Named)", NAMED, Cases::named,
                        List.of(new Named("", Long.MIN_VALUE), new Named("", 0), new Named("\u0000", -1), new Named("a", 0),
                                new Named("a\u0000", 0), new Named("\uffff", Long.MAX_VALUE)), NAMED_ORDER),
                new Case<>("record(Blob)", BLOB, Cases::blob,
                        List.of(new Blob(new byte[0], "", new byte[0]), new Blob(new byte[] {0}, "", new byte[0]),
                                new Blob(new byte[0], "\u0000", new byte[] {0}), new Blob(new byte[] {0, 0}, "a", new byte[] {0, 0})),
                        Comparator.comparing(Blob::data, UNSIGNED).thenComparing(Blob::label).thenComparing(Blob::tail, UNSIGNED)),
                new Case<>("record(Nested)", NESTED, r -> new Nested(named(r), Suit.values()[r.nextInt(4)], Samples.anyDouble(r)),
                        List.of(new Nested(new Named("", 0), Suit.CLUBS, -0.0), new Nested(new Named("", 0), Suit.CLUBS, 0.0),
                                new Nested(new Named("\u0000", 0), Suit.SPADES, Double.NaN)),
                        Comparator.comparing(Nested::named, NAMED_ORDER).thenComparing(Nested::suit)
                                .thenComparing(Nested::weight, Double::compare)),
                new Case<>("record(Label)", LABEL, r -> new Label(Samples.anyString(r), Samples.anyUuid(r)),
                        List.of(new Label("", new UUID(0, 0)), new Label("\ud83d\ude00", new UUID(-1, -1))), null),
                new Case<>("record(Empty)", EMPTY, r -> new Empty(), List.of(new Empty()), (Empty a, Empty b) -> 0)));
        return cases.stream();
    }

    static Stream<Case<?>> sortable() {
        return all().filter(c -> c.order() != null);
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }

    private static byte[] filled(int n, byte b) {
        byte[] bytes = new byte[n];
        Arrays.fill(bytes, b);
        return bytes;
    }

    private static String fixedString(Random random) {
        while (true) {
            String s = Samples.anyString(random).replace('\u0000', '0');
            if (Codecs.STRING.encodedSize(s) <= 12) {
                return s;
            }
        }
    }

    private static String prefix(String s, int length) {
        return s.substring(0, Math.min(s.length(), length));
    }

    private static Named named(Random random) {
        return new Named(Samples.anyUtf16(random), random.nextInt(3) - 1);
    }

    private static Blob blob(Random random) {
        return new Blob(Samples.bytes(random, random.nextInt(4)), prefix(Samples.anyUtf16(random), random.nextInt(3)),
                Samples.bytes(random, random.nextInt(4)));
    }
}
