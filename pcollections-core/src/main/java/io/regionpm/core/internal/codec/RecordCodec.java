package io.regionpm.core.internal.codec;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.util.ConcurrentModificationException;
import java.util.Objects;

import io.regionpm.core.Codec;
import io.regionpm.core.CodecException;

/**
 * A record, from one codec per component, in declaration order; each component is written
 * as its codec writes it, except that a variable-size component other than the last is put in a
 * {@link Frames frame} ({@code 00} escaped as {@code 00 FF}, then {@code 00 00}) so that it
 * delimits itself. Fixed-size components and the last component need no frame. Components are
 * read with the record's accessors and the record is built with its canonical constructor.
 *
 * <p>Order-preserving if every component codec is: the byte order is then lexicographic by
 * component, the first component first (see {@link Frames} for why frames keep it).
 *
 * <p>Identity {@code record:<binary class name>(<component>:<id>,...)}, for example
 * {@code record:com.x.Point(x:int,y:int)}: renaming, reordering or recoding a component
 * changes it.
 *
 * @param <R> the record
 */
public final class RecordCodec<R extends Record> extends AbstractCodec<R> {
    /** The identity's prefix. */
    public static final String PREFIX = "record:";

    private final Component[] components;
    private final MethodHandle constructor;

    private record Component(String name, Codec<Object> codec, MethodHandle accessor, boolean framed) {
    }

    private RecordCodec(Class<R> type, String id, int fixedSize, boolean ordered, Component[] components,
                        MethodHandle constructor) {
        super(id, type, fixedSize, ordered, MAX_ENCODED_BYTES);
        this.components = components;
        this.constructor = constructor;
    }

    /**
     * @param lookup a lookup with access to the record's constructor and accessors
     * @param type   the record
     * @param codecs one codec per component, in declaration order
     * @param <R>    the record
     * @return the codec
     * @throws IllegalArgumentException if the codecs do not match the components, or the
     *                                  record's members are not accessible through {@code lookup}
     */
    public static <R extends Record> RecordCodec<R> of(MethodHandles.Lookup lookup, Class<R> type, Codec<?>... codecs) {
        Objects.requireNonNull(lookup, "lookup");
        if (!Objects.requireNonNull(type, "type").isRecord()) {
            throw new IllegalArgumentException(type.getName() + " is not a record class");
        }
        RecordComponent[] declared = type.getRecordComponents();
        if (declared.length != Objects.requireNonNull(codecs, "codecs").length) {
            throw new IllegalArgumentException(type.getName() + " has " + declared.length + " components but "
                    + codecs.length + " codecs were given");
        }
        Component[] components = new Component[declared.length];
        StringBuilder id = new StringBuilder(PREFIX).append(type.getName()).append('(');
        long fixedSize = 0;
        boolean ordered = true;
        for (int i = 0; i < declared.length; i++) {
            components[i] = component(lookup, type, declared[i], codecs[i], i == declared.length - 1);
            Codec<Object> codec = components[i].codec();
            id.append(i == 0 ? "" : ",").append(declared[i].getName()).append(':')
                    .append(Ids.requireNestable(codec.id(), type.getName() + "." + declared[i].getName()));
            fixedSize = fixedSize < 0 || codec.fixedSize() < 0 ? -1 : fixedSize + codec.fixedSize();
            ordered &= codec.orderPreserving();
        }
        if (fixedSize > MAX_ENCODED_BYTES) {
            throw new IllegalArgumentException(type.getName() + ": the components add up to " + fixedSize
                    + " bytes, more than " + MAX_ENCODED_BYTES);
        }
        return new RecordCodec<>(type, id.append(')').toString(), (int) fixedSize, ordered, components,
                constructor(lookup, type, declared));
    }

    @SuppressWarnings("unchecked")
    private static Component component(MethodHandles.Lookup lookup, Class<?> type, RecordComponent declared,
                                       Codec<?> codec, boolean last) {
        String where = type.getName() + "." + declared.getName();
        Objects.requireNonNull(codec, () -> "the codec for " + where);
        Class<?> boxed = MethodType.methodType(declared.getType()).wrap().returnType();
        if (codec instanceof AbstractCodec<?> builtIn && builtIn.valueType() != boxed) {
            throw new IllegalArgumentException(where + " is a " + declared.getType().getName() + " but the codec "
                    + codec.id() + " is for " + builtIn.valueType().getName());
        }
        try {
            MethodHandle accessor = lookup.findVirtual(type, declared.getName(), MethodType.methodType(declared.getType()))
                    .asType(MethodType.methodType(Object.class, Object.class));
            return new Component(declared.getName(), (Codec<Object>) codec, accessor, codec.fixedSize() < 0 && !last);
        } catch (ReflectiveOperationException e) {
            throw inaccessible(type, e);
        }
    }

    private static MethodHandle constructor(MethodHandles.Lookup lookup, Class<?> type, RecordComponent[] declared) {
        Class<?>[] parameters = new Class<?>[declared.length];
        for (int i = 0; i < declared.length; i++) {
            parameters[i] = declared[i].getType();
        }
        try {
            return lookup.findConstructor(type, MethodType.methodType(void.class, parameters))
                    .asType(MethodType.genericMethodType(declared.length))
                    .asSpreader(Object[].class, declared.length);
        } catch (ReflectiveOperationException e) {
            throw inaccessible(type, e);
        }
    }

    private static IllegalArgumentException inaccessible(Class<?> type, ReflectiveOperationException e) {
        return new IllegalArgumentException("the canonical constructor and accessors of " + type.getName()
                + " are not accessible: make the record public in an exported package, or pass a lookup from its"
                + " own module (Codecs.record(MethodHandles.lookup(), " + type.getSimpleName() + ".class, ...))", e);
    }

    @Override
    protected long sizeOf(R value) {
        Object[] values = valuesOf(value);
        long size = 0;
        for (int i = 0; i < components.length; i++) {
            Codec<Object> codec = components[i].codec();
            size += components[i].framed() ? Frames.framedLength(codec.toBytes(values[i])) : codec.encodedSize(values[i]);
        }
        return size;
    }

    @Override
    protected void write(R value, MemorySegment dst, long offset, int size) {
        Object[] values = valuesOf(value);
        byte[][] snapshots = new byte[components.length][];
        long total = 0;
        for (int i = 0; i < components.length; i++) {
            Component c = components[i];
            if (c.codec().fixedSize() < 0) {
                snapshots[i] = c.codec().toBytes(values[i]);
                total += c.framed() ? Frames.framedLength(snapshots[i]) : snapshots[i].length;
            } else {
                total += c.codec().fixedSize();
            }
        }
        if (total != size) {
            throw new ConcurrentModificationException(id() + ": a component changed while it was encoded ("
                    + size + " bytes measured, " + total + " now); nothing was written");
        }
        long at = offset;
        for (int i = 0; i < components.length; i++) {
            Component c = components[i];
            if (c.framed()) {
                at = Frames.write(snapshots[i], dst, at);
            } else if (snapshots[i] != null) {
                MemorySegment.copy(MemorySegment.ofArray(snapshots[i]), 0, dst, at, snapshots[i].length);
                at += snapshots[i].length;
            } else {
                c.codec().encode(values[i], dst, at);
                at += c.codec().fixedSize();
            }
        }
    }

    private Object[] valuesOf(R value) {
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            try {
                values[i] = (Object) components[i].accessor().invokeExact((Object) value);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(id() + ": accessor " + components[i].name() + " failed", t);
            }
            if (values[i] == null) {
                throw new NullPointerException(id() + ": component " + components[i].name() + " is null");
            }
        }
        return values;
    }

    @Override
    protected R read(MemorySegment src, long offset, int length) {
        Object[] values = new Object[components.length];
        long at = offset;
        long end = offset + length;
        for (int i = 0; i < components.length; i++) {
            at = readComponent(components[i], src, at, end, values, i);
        }
        if (at != end) {
            throw new CodecException(id() + ": " + (end - at) + " byte(s) after the last component");
        }
        try {
            return valueType().cast(constructor.invokeExact(values));
        } catch (RuntimeException e) {
            throw new CodecException(id() + ": the constructor refused the decoded components", e);
        } catch (Error e) {
            throw e;
        } catch (Throwable t) {
            throw new CodecException(id() + ": the constructor failed", t);
        }
    }

    /** Reads component {@code i} into {@code values}; returns the offset after it. */
    private long readComponent(Component c, MemorySegment src, long at, long end, Object[] values, int i) {
        int fixed = c.codec().fixedSize();
        if (fixed > end - at) {
            throw new CodecException(id() + ": the encoding ends inside component " + c.name());
        }
        long frameEnd = c.framed() ? Frames.endOf(src, at, end, id() + ": component " + c.name()) : -1;
        try {
            if (c.framed()) {
                values[i] = c.codec().fromBytes(Frames.unframe(src, at, frameEnd));
                return frameEnd;
            }
            int length = fixed >= 0 ? fixed : (int) (end - at);
            values[i] = c.codec().decode(src, at, length);
            return at + length;
        } catch (CodecException e) {
            throw new CodecException(id() + ": component " + c.name() + ": " + e.getMessage(), e);
        }
    }
}
