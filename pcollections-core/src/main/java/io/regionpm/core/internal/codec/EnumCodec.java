package io.regionpm.core.internal.codec;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.stream.Collectors;

import io.regionpm.core.CodecException;

/**
 * An enum: its ordinal, 4 bytes big-endian (ordinals are never negative, so no sign flip is
 * needed). The byte order is {@link Enum#compareTo}. The identity
 * {@code enum:<binary class name>(<constant>,<constant>,...)} lists the constants in ordinal
 * order, so adding, removing, renaming or reordering constants changes it, and a collection
 * written with the old constants is not opened with the new ones.
 *
 * @param <E> the enum
 */
public final class EnumCodec<E extends Enum<E>> extends AbstractCodec<E> {
    /** The identity's prefix. */
    public static final String PREFIX = "enum:";

    private final E[] constants;

    /** @param type the enum's class */
    public EnumCodec(Class<E> type) {
        this(type, constantsOf(type));
    }

    private EnumCodec(Class<E> type, E[] constants) {
        super(PREFIX + type.getName() + Arrays.stream(constants).map(Enum::name).collect(Collectors.joining(",", "(", ")")),
                type, Integer.BYTES, true, Integer.BYTES);
        this.constants = constants;
    }

    private static <E extends Enum<E>> E[] constantsOf(Class<E> type) {
        E[] constants = type.getEnumConstants();
        if (constants == null) {
            throw new IllegalArgumentException(type.getName() + " is not an enum class");
        }
        return constants;
    }

    @Override
    protected long sizeOf(E value) {
        return Integer.BYTES;
    }

    @Override
    protected void write(E value, MemorySegment dst, long offset, int size) {
        dst.set(BigEndian.INT, offset, value.ordinal());
    }

    @Override
    protected E read(MemorySegment src, long offset, int length) {
        int ordinal = src.get(BigEndian.INT, offset);
        if (ordinal < 0 || ordinal >= constants.length) {
            throw new CodecException(id() + ": ordinal " + ordinal + " is not one of the " + constants.length + " constants");
        }
        return constants[ordinal];
    }
}
