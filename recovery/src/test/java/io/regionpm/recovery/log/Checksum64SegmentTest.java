package io.regionpm.recovery.log;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The byte-range form of {@link Checksum64} (the collection logs' framing) equals the word
 * form over the same bytes read as little-endian words, the last one zero-padded, at every
 * length and offset; and it sees a change of any single byte.
 */
class Checksum64SegmentTest {

    @Test
    void byteRangeChecksumEqualsWordChecksumOverPaddedWords() {
        Random random = new Random(42);
        for (int length = 0; length < 200; length++) {
            byte[] bytes = new byte[length + 3];
            random.nextBytes(bytes);
            long[] words = new long[(length + 7) / 8];
            byte[] padded = new byte[words.length * 8];
            System.arraycopy(bytes, 3, padded, 0, length);
            ByteBuffer.wrap(padded).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(words);
            long seed = random.nextLong();
            long header = random.nextLong();
            assertThat(Checksum64.of(seed, header, MemorySegment.ofArray(bytes), 3, length))
                    .as("length %d", length).isEqualTo(Checksum64.of(seed, header, words, 0, words.length));
        }
    }

    @Test
    void everySingleByteChangeChangesTheChecksum() {
        byte[] bytes = new byte[77];
        new Random(7).nextBytes(bytes);
        long base = Checksum64.of(16, 99, MemorySegment.ofArray(bytes), 0, bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] ^= 0x10;
            assertThat(Checksum64.of(16, 99, MemorySegment.ofArray(bytes), 0, bytes.length)).as("byte %d", i).isNotEqualTo(base);
            bytes[i] ^= 0x10;
        }
        assertThat(Checksum64.of(32, 99, MemorySegment.ofArray(bytes), 0, bytes.length)).as("another position").isNotEqualTo(base);
    }
}
