package io.regionpm.core;

import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.regionpm.core.Cases.Named;
import io.regionpm.core.Cases.Point;
import io.regionpm.core.Cases.Suit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exact bytes and identities of docs/format.md: stored data depends on them, so a change
 * here is a format change, never a refactoring.
 */
class CodecFormatTest {

    private static <T> void assertBytes(Codec<T> codec, T value, String hex) {
        assertThat(HexFormat.of().formatHex(codec.toBytes(value))).as("%s of %s", codec.id(), Values.describe(value))
                .isEqualTo(hex.replace(" ", ""));
    }

    @Test
    void numbersAreBigEndianWithTheSignFlipped() {
        assertBytes(Codecs.LONG, Long.MIN_VALUE, "00 00 00 00 00 00 00 00");
        assertBytes(Codecs.LONG, -1L, "7f ff ff ff ff ff ff ff");
        assertBytes(Codecs.LONG, 0L, "80 00 00 00 00 00 00 00");
        assertBytes(Codecs.LONG, 258L, "80 00 00 00 00 00 01 02");
        assertBytes(Codecs.LONG, Long.MAX_VALUE, "ff ff ff ff ff ff ff ff");
        assertBytes(Codecs.INT, Integer.MIN_VALUE, "00 00 00 00");
        assertBytes(Codecs.INT, -2, "7f ff ff fe");
        assertBytes(Codecs.INT, 1, "80 00 00 01");
    }

    @Test
    void doublesFlipAllBitsWhenNegativeAndTheSignBitOtherwise() {
        assertBytes(Codecs.DOUBLE, Double.NEGATIVE_INFINITY, "00 0f ff ff ff ff ff ff");
        assertBytes(Codecs.DOUBLE, -1.0, "40 0f ff ff ff ff ff ff");
        assertBytes(Codecs.DOUBLE, -0.0, "7f ff ff ff ff ff ff ff");
        assertBytes(Codecs.DOUBLE, 0.0, "80 00 00 00 00 00 00 00");
        assertBytes(Codecs.DOUBLE, Double.MIN_VALUE, "80 00 00 00 00 00 00 01");
        assertBytes(Codecs.DOUBLE, 1.0, "bf f0 00 00 00 00 00 00");
        assertBytes(Codecs.DOUBLE, Double.POSITIVE_INFINITY, "ff f0 00 00 00 00 00 00");
        assertBytes(Codecs.DOUBLE, Double.NaN, "ff f8 00 00 00 00 00 00");
        assertBytes(Codecs.DOUBLE, Samples.nan(0xfff0000000000001L), "ff f8 00 00 00 00 00 00");
    }

    @Test
    void stringsAreUtf8OrCesu8() {
        assertBytes(Codecs.STRING, "", "");
        assertBytes(Codecs.STRING, "a\u00e9\u4e2d\ud83d\ude00", "61 c3a9 e4b8ad f09f9880");
        assertBytes(Codecs.STRING_ORDERED, "a\u00e9\u4e2d\ud83d\ude00", "61 c3a9 e4b8ad eda0bd edb880");
        assertBytes(Codecs.STRING_ORDERED, "\u0000\ud800", "00 eda080");
        assertBytes(Codecs.fixedString(6), "a\u00e9", "61 c3a9 000000");
    }

    @Test
    void bytesUuidsAndEnumsAreAsDocumented() {
        assertBytes(Codecs.BYTES, new byte[] {0, (byte) 0xff}, "00 ff");
        assertBytes(Codecs.fixedBytes(3), new byte[] {1, 2, 3}, "01 02 03");
        assertBytes(Codecs.UUID, UUID.fromString("00000000-0000-0001-ffff-ffffffffffff"),
                "80 00 00 00 00 00 00 01 7f ff ff ff ff ff ff ff");
        assertBytes(Codecs.enumOf(Suit.class), Suit.SPADES, "00 00 00 03");
    }

    @Test
    void recordsFrameVariableSizeComponentsExceptTheLast() {
        assertBytes(Cases.POINT, new Point(-1, 2), "7f ff ff ff 80 00 00 02");
        assertBytes(Cases.NAMED, new Named("a\u0000", 1), "61 00ff 0000 80 00 00 00 00 00 00 01");
        assertBytes(Cases.BLOB, new Cases.Blob(new byte[] {0, 5}, "", new byte[] {0}), "00ff 05 0000 0000 00");
        assertBytes(Cases.EMPTY, new Cases.Empty(), "");
    }

    @Test
    void identitiesAreExactlyTheDocumentedStrings() {
        assertThat(List.of(Codecs.LONG, Codecs.INT, Codecs.DOUBLE, Codecs.STRING, Codecs.STRING_ORDERED, Codecs.BYTES,
                Codecs.UUID, Codecs.fixedBytes(16), Codecs.fixedString(32)).stream().map(Codec::id).toList())
                .containsExactly("long", "int", "double", "string-utf8", "string-cesu8", "bytes", "uuid", "fixed-bytes:16",
                        "fixed-string-utf8:32");
        assertThat(Codecs.enumOf(Suit.class).id()).isEqualTo("enum:io.regionpm.core.Cases$Suit(CLUBS,DIAMONDS,HEARTS,SPADES)");
        assertThat(Cases.POINT.id()).isEqualTo("record:io.regionpm.core.Cases$Point(x:int,y:int)");
        assertThat(Cases.NESTED.id()).isEqualTo("record:io.regionpm.core.Cases$Nested(named:record:io.regionpm.core.Cases$Named"
                + "(name:string-cesu8,id:long),suit:enum:io.regionpm.core.Cases$Suit(CLUBS,DIAMONDS,HEARTS,SPADES),weight:double)");
        assertThat(Cases.EMPTY.id()).isEqualTo("record:io.regionpm.core.Cases$Empty()");
    }

    @Test
    void sizesAndOrderFlagsAreAsDocumented() {
        assertThat(List.of(Codecs.LONG, Codecs.INT, Codecs.DOUBLE, Codecs.STRING, Codecs.STRING_ORDERED, Codecs.BYTES,
                Codecs.UUID, Codecs.fixedBytes(16), Codecs.fixedString(32), Codecs.enumOf(Suit.class), Cases.POINT,
                Cases.NAMED, Cases.EMPTY).stream().map(Codec::fixedSize).toList())
                .containsExactly(8, 4, 8, -1, -1, -1, 16, 16, 32, 4, 8, -1, 0);
        assertThat(Cases.all().filter(c -> c.codec().orderPreserving()).map(Cases.Case::name).toList())
                .isEqualTo(Cases.sortable().map(Cases.Case::name).toList());
        assertThat(Codec.MAX_ENCODED_BYTES).isEqualTo((1 << 30) - 1);
    }
}
