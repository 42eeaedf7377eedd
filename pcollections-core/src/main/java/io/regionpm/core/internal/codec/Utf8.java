package io.regionpm.core.internal.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

import io.regionpm.core.CodecException;

/**
 * Strict UTF-8 for the string codecs: unpaired surrogates are refused when encoding (UTF-8
 * cannot represent them; the JDK's encoders would silently write {@code '?'}), and malformed
 * input (overlong forms, encoded surrogates, truncated sequences) is refused when decoding.
 *
 * <p>Thread-safety: stateless.
 */
final class Utf8 {
    private Utf8() {
    }

    /**
     * @param s       a string
     * @param codecId named in the exception
     * @return the length of its UTF-8 encoding
     * @throws IllegalArgumentException naming the index of the first unpaired surrogate
     */
    static long encodedLength(String s, String codecId) {
        long bytes = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (!Character.isSurrogate(c)) {
                bytes += 3;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                throw unpaired(s, i, codecId);
            }
        }
        return bytes;
    }

    private static IllegalArgumentException unpaired(String s, int i, String codecId) {
        char c = s.charAt(i);
        String kind = Character.isHighSurrogate(c) ? "high" : "low";
        return new IllegalArgumentException(String.format(
                "%s: unpaired %s surrogate U+%04X at index %d of a string of length %d; UTF-8 cannot"
                        + " encode it (Codecs.STRING_ORDERED can)", codecId, kind, (int) c, i, s.length()));
    }

    /**
     * Writes a string that {@link #encodedLength} accepted.
     *
     * @return the offset after the last byte written
     */
    static long write(String s, MemorySegment dst, long offset) {
        long at = offset;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            int cp = s.codePointAt(i);
            if (cp < 0x80) {
                dst.set(ValueLayout.JAVA_BYTE, at++, (byte) cp);
            } else if (cp < 0x800) {
                dst.set(ValueLayout.JAVA_BYTE, at++, (byte) (0xC0 | cp >>> 6));
                dst.set(ValueLayout.JAVA_BYTE, at++, continuation(cp));
            } else if (cp < 0x10000) {
                dst.set(ValueLayout.JAVA_BYTE, at++, (byte) (0xE0 | cp >>> 12));
                dst.set(ValueLayout.JAVA_BYTE, at++, continuation(cp >>> 6));
                dst.set(ValueLayout.JAVA_BYTE, at++, continuation(cp));
            } else {
                dst.set(ValueLayout.JAVA_BYTE, at++, (byte) (0xF0 | cp >>> 18));
                dst.set(ValueLayout.JAVA_BYTE, at++, continuation(cp >>> 12));
                dst.set(ValueLayout.JAVA_BYTE, at++, continuation(cp >>> 6));
                dst.set(ValueLayout.JAVA_BYTE, at++, continuation(cp));
                i++;
            }
        }
        return at;
    }

    private static byte continuation(int bits) {
        return (byte) (0x80 | bits & 0x3F);
    }

    /**
     * @param bytes   UTF-8
     * @param codecId named in the exception
     * @return the string
     * @throws CodecException if the bytes are not well-formed UTF-8
     */
    static String decode(byte[] bytes, String codecId) {
        boolean ascii = true;
        for (byte b : bytes) {
            ascii &= b >= 0;
        }
        if (ascii) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CodecException(codecId + ": malformed UTF-8 in an encoding of " + bytes.length + " bytes", e);
        }
    }
}
