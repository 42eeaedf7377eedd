package io.regionpm.core;

import java.lang.invoke.MethodHandles;
import java.util.Objects;

import io.regionpm.core.internal.codec.BytesCodec;
import io.regionpm.core.internal.codec.Cesu8StringCodec;
import io.regionpm.core.internal.codec.DoubleCodec;
import io.regionpm.core.internal.codec.EnumCodec;
import io.regionpm.core.internal.codec.FixedBytesCodec;
import io.regionpm.core.internal.codec.FixedUtf8StringCodec;
import io.regionpm.core.internal.codec.Ids;
import io.regionpm.core.internal.codec.IntCodec;
import io.regionpm.core.internal.codec.LongCodec;
import io.regionpm.core.internal.codec.RecordCodec;
import io.regionpm.core.internal.codec.UuidCodec;
import io.regionpm.core.internal.codec.Utf8StringCodec;

/**
 * The built-in codecs. Multi-byte numbers are big-endian (the rest of the pool format is
 * little-endian) because only big-endian bytes sort like the numbers they hold.
 *
 * <table>
 *   <caption>Built-in codecs</caption>
 *   <tr><th>codec</th><th>identity</th><th>bytes</th><th>byte order</th></tr>
 *   <tr><td>{@link #LONG}</td><td>{@code long}</td><td>8, big-endian, sign bit flipped</td>
 *       <td>{@link Long#compare}</td></tr>
 *   <tr><td>{@link #INT}</td><td>{@code int}</td><td>4, big-endian, sign bit flipped</td>
 *       <td>{@link Integer#compare}</td></tr>
 *   <tr><td>{@link #DOUBLE}</td><td>{@code double}</td><td>8: {@link Double#doubleToLongBits},
 *       all bits flipped if negative, else the sign bit flipped; big-endian</td>
 *       <td>{@link Double#compare}</td></tr>
 *   <tr><td>{@link #STRING}</td><td>{@code string-utf8}</td><td>UTF-8</td>
 *       <td>code points, <em>not</em> {@link String#compareTo}</td></tr>
 *   <tr><td>{@link #STRING_ORDERED}</td><td>{@code string-cesu8}</td><td>CESU-8: each UTF-16
 *       code unit as UTF-8 writes it (1 to 3 bytes)</td><td>{@link String#compareTo}</td></tr>
 *   <tr><td>{@link #BYTES}</td><td>{@code bytes}</td><td>the bytes</td>
 *       <td>{@link java.util.Arrays#compareUnsigned(byte[], byte[])}</td></tr>
 *   <tr><td>{@link #UUID}</td><td>{@code uuid}</td><td>16: both halves as {@link #LONG}</td>
 *       <td>{@link java.util.UUID#compareTo}</td></tr>
 *   <tr><td>{@link #fixedBytes fixedBytes(n)}</td><td>{@code fixed-bytes:n}</td><td>n, the
 *       bytes</td><td>{@link java.util.Arrays#compareUnsigned(byte[], byte[])}</td></tr>
 *   <tr><td>{@link #fixedString fixedString(n)}</td><td>{@code fixed-string-utf8:n}</td>
 *       <td>n: UTF-8, zero-padded</td><td>code points, <em>not</em> {@link String#compareTo}</td></tr>
 *   <tr><td>{@link #enumOf enumOf(E)}</td><td>{@code enum:com.x.Color(RED,GREEN)}</td>
 *       <td>4: the ordinal, big-endian</td><td>{@link Enum#compareTo}</td></tr>
 *   <tr><td>{@link #record record(R, ...)}</td><td>{@code record:com.x.Point(x:int,y:int)}</td>
 *       <td>the components in order, framed if needed</td><td>lexicographic by component, if
 *       every component codec is order-preserving</td></tr>
 * </table>
 *
 * <p><b>Strings in sorted collections.</b> Use {@link #STRING_ORDERED} for the keys of sorted
 * collections: its byte order is exactly {@link String#compareTo}. {@link #STRING} is not
 * order-preserving (UTF-8 sorts by code point, which disagrees with {@code compareTo} when a
 * supplementary character meets one from U+E000 to U+FFFF) and sorted collections refuse it as
 * a key codec; it is the compact choice for values and for keys of hash maps.
 *
 * <p><b>Identity grammar.</b> Identities are compared as strings and never change once released:
 * <pre>
 * id        = "long" | "int" | "double" | "string-utf8" | "string-cesu8" | "bytes" | "uuid"
 *           | "fixed-bytes:" length | "fixed-string-utf8:" length
 *           | "enum:" class "(" [ name { "," name } ] ")"
 *           | "record:" class "(" [ name ":" id { "," name ":" id } ] ")"
 *           | custom
 * length    = decimal from 1 to {@link Codec#MAX_ENCODED_BYTES}, no sign, no leading zeros
 * class     = the binary name ({@link Class#getName()}), e.g. com.x.Outer$Color
 * name      = an enum constant's or a record component's name, in declaration order
 * </pre>
 * Enum and record identities name the class and its constants or components, so renaming or
 * reordering them changes the identity. Custom codecs should avoid the prefixes above; a
 * custom identity used inside a record must be non-empty with balanced parentheses and no comma
 * outside them, so that a record's identity names exactly one list of component codecs.
 *
 * <p>Thread-safety: every codec here is immutable and may be shared by any number of threads.
 */
public final class Codecs {
    /** {@code long}: 8 bytes, big-endian, sign bit flipped; order-preserving. Identity {@code long}. */
    public static final Codec<Long> LONG = new LongCodec();

    /** {@code int}: 4 bytes, big-endian, sign bit flipped; order-preserving. Identity {@code int}. */
    public static final Codec<Integer> INT = new IntCodec();

    /**
     * {@code double}: 8 bytes; order-preserving, exactly {@link Double#compare} (-0.0 before 0.0,
     * NaN last) and equal encodings exactly when {@link Double#equals}. Every NaN is stored as
     * the canonical NaN {@code 0x7ff8000000000000}: payloads are not kept. Identity {@code double}.
     */
    public static final Codec<Double> DOUBLE = new DoubleCodec();

    /**
     * {@code String} as UTF-8; not order-preserving (use {@link #STRING_ORDERED} for sorted
     * keys). Unpaired surrogates are refused with an {@link IllegalArgumentException} naming
     * their index; malformed UTF-8 is refused when decoding. Identity {@code string-utf8}.
     */
    public static final Codec<String> STRING = new Utf8StringCodec(Codec.MAX_ENCODED_BYTES);

    /**
     * {@code String} in CESU-8: each UTF-16 code unit written as UTF-8 writes a code point of that
     * value, so ASCII takes 1 byte, the rest of the BMP 2 or 3, a supplementary character 6 (a
     * surrogate pair). Order-preserving, exactly {@link String#compareTo}. Every string is
     * accepted, unpaired surrogates included. The key codec for strings in sorted collections.
     * Identity {@code string-cesu8}.
     */
    public static final Codec<String> STRING_ORDERED = new Cesu8StringCodec(Codec.MAX_ENCODED_BYTES);

    /**
     * {@code byte[]}: the bytes; order-preserving for the order of
     * {@link java.util.Arrays#compareUnsigned(byte[], byte[])}. Identity {@code bytes}.
     */
    public static final Codec<byte[]> BYTES = new BytesCodec(Codec.MAX_ENCODED_BYTES);

    /**
     * {@link java.util.UUID}: 16 bytes, each half as {@link #LONG} encodes it; order-preserving,
     * exactly {@link java.util.UUID#compareTo} (which compares the halves as signed numbers).
     * Not the RFC 9562 byte layout. Identity {@code uuid}.
     */
    public static final Codec<java.util.UUID> UUID = new UuidCodec();

    private Codecs() {
    }

    /**
     * @param n the length of every array, 1 to {@link Codec#MAX_ENCODED_BYTES}
     * @return a codec for arrays of exactly {@code n} bytes (others are refused); order-preserving
     *         like {@link #BYTES}; identity {@code fixed-bytes:n}
     */
    public static Codec<byte[]> fixedBytes(int n) {
        return new FixedBytesCodec(n);
    }

    /**
     * @param maxBytes the size of every encoding, 1 to {@link Codec#MAX_ENCODED_BYTES}
     * @return a codec storing UTF-8 padded with zero bytes to {@code maxBytes}: strings longer
     *         than that in UTF-8, or containing U+0000 or unpaired surrogates, are refused; not
     *         order-preserving, like {@link #STRING}; identity {@code fixed-string-utf8:maxBytes}
     */
    public static Codec<String> fixedString(int maxBytes) {
        return new FixedUtf8StringCodec(maxBytes);
    }

    /**
     * @param type an enum class
     * @param <E>  the enum
     * @return a codec storing the ordinal in 4 bytes, big-endian; order-preserving
     *         ({@link Enum#compareTo}); identity {@code enum:<class>(<constants in ordinal order>)},
     *         which changes if constants are added, removed, renamed or reordered
     */
    public static <E extends Enum<E>> Codec<E> enumOf(Class<E> type) {
        return new EnumCodec<>(Objects.requireNonNull(type, "type"));
    }

    /**
     * A codec for a record, from one codec per component, e.g.
     * {@code Codecs.record(Point.class, Codecs.INT, Codecs.INT)}. The record must be public in a
     * package exported to this module (or unnamed); otherwise use
     * {@link #record(MethodHandles.Lookup, Class, Codec[])}.
     *
     * <p>The encoding is the components' encodings in declaration order. A variable-size
     * component other than the last is framed so that it delimits itself: each {@code 00} byte
     * is written {@code 00 FF} and {@code 00 00} ends it. The codec is order-preserving, for the
     * lexicographic order by component (first component first), if every component codec is.
     * Decoding calls the canonical constructor, whose exceptions become {@link CodecException}.
     *
     * @param type       the record class
     * @param components one codec per component, in declaration order
     * @param <R>        the record
     * @return the codec; identity {@code record:<class>(<name>:<id>,...)}
     * @throws IllegalArgumentException if the number of codecs is wrong, a built-in codec does not
     *                                  encode its component's type, or the record is not accessible
     */
    public static <R extends Record> Codec<R> record(Class<R> type, Codec<?>... components) {
        return RecordCodec.of(MethodHandles.publicLookup(), type, components);
    }

    /**
     * As {@link #record(Class, Codec[])}, for a record this module cannot reach by itself: pass
     * {@code MethodHandles.lookup()} from code that can access the record's canonical
     * constructor and accessors.
     *
     * @param lookup     a lookup with access to the record's members
     * @param type       the record class
     * @param components one codec per component, in declaration order
     * @param <R>        the record
     * @return the codec
     */
    public static <R extends Record> Codec<R> record(MethodHandles.Lookup lookup, Class<R> type, Codec<?>... components) {
        return RecordCodec.of(lookup, type, components);
    }

    /**
     * Resolves a built-in identity: {@code long}, {@code int}, {@code double},
     * {@code string-utf8}, {@code string-cesu8}, {@code bytes}, {@code uuid} (the constants
     * above, the same instances) and {@code fixed-bytes:n}, {@code fixed-string-utf8:n}.
     * Enum and record identities cannot be resolved without their class: build the codec with
     * {@link #enumOf} or {@link #record} and compare its {@link Codec#id()} with the stored one.
     * Custom identities are unknown here.
     *
     * @param id an identity
     * @return the codec with exactly that identity
     * @throws IllegalArgumentException if the identity is not a built-in one that this method
     *                                  resolves, saying why
     */
    public static Codec<?> byId(String id) {
        Objects.requireNonNull(id, "id");
        return switch (id) {
            case LongCodec.ID -> LONG;
            case IntCodec.ID -> INT;
            case DoubleCodec.ID -> DOUBLE;
            case Utf8StringCodec.ID -> STRING;
            case Cesu8StringCodec.ID -> STRING_ORDERED;
            case BytesCodec.ID -> BYTES;
            case UuidCodec.ID -> UUID;
            default -> byParameterisedId(id);
        };
    }

    private static Codec<?> byParameterisedId(String id) {
        if (id.startsWith(FixedBytesCodec.PREFIX)) {
            return fixedBytes(Ids.lengthAfter(id, FixedBytesCodec.PREFIX));
        }
        if (id.startsWith(FixedUtf8StringCodec.PREFIX)) {
            return fixedString(Ids.lengthAfter(id, FixedUtf8StringCodec.PREFIX));
        }
        if (id.startsWith(EnumCodec.PREFIX)) {
            throw new IllegalArgumentException("\"" + id + "\": an enum codec needs its class; build it with"
                    + " Codecs.enumOf(type) and compare its id()");
        }
        if (id.startsWith(RecordCodec.PREFIX)) {
            throw new IllegalArgumentException("\"" + id + "\": a record codec needs its class and component codecs;"
                    + " build it with Codecs.record(type, ...) and compare its id()");
        }
        throw new IllegalArgumentException("\"" + id + "\" is not a built-in codec identity");
    }
}
