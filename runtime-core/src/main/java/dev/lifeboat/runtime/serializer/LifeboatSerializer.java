package dev.lifeboat.runtime.serializer;

import dev.lifeboat.runtime.Pair;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The default {@link Serializer}: a one-byte type tag followed by a compact encoding, with fast
 * paths for the types shuffles carry most.
 *
 * <table>
 *   <caption>Supported types</caption>
 *   <tr><td>{@code null}, {@link String}, {@code byte[]}</td><td>length-prefixed (strings as UTF-8)</td></tr>
 *   <tr><td>{@link Integer}, {@link Long}, {@link Double}, {@link Float}, {@link Short},
 *       {@link Byte}, {@link Boolean}, {@link Character}</td><td>fixed width</td></tr>
 *   <tr><td>{@link Pair}</td><td>key then value</td></tr>
 *   <tr><td>{@link List}</td><td>size then elements; read back as an unmodifiable list</td></tr>
 *   <tr><td>Java {@code record}s</td><td>class name then components, rebuilt with the canonical
 *       constructor (components must be supported types themselves)</td></tr>
 * </table>
 *
 * <p>Anything else fails with a {@link SerializationException} that names the type: there is no
 * silent fallback to Java serialisation.
 */
public final class LifeboatSerializer implements Serializer {
    /** The format name recorded in checkpoints. */
    public static final String NAME = "lifeboat-v1";

    private static final byte NULL = 0;
    private static final byte STRING = 1;
    private static final byte INT = 2;
    private static final byte LONG = 3;
    private static final byte DOUBLE = 4;
    private static final byte FLOAT = 5;
    private static final byte SHORT = 6;
    private static final byte BYTE = 7;
    private static final byte BOOLEAN = 8;
    private static final byte CHAR = 9;
    private static final byte BYTES = 10;
    private static final byte PAIR = 11;
    private static final byte LIST = 12;
    private static final byte RECORD = 13;

    private static final String SUPPORTED = "null, String, Integer, Long, Double, Float, Short, Byte, Boolean, "
            + "Character, byte[], Pair, List and Java records of these";

    private final Map<String, RecordShape> shapes = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void write(DataOutput out, Object record) throws IOException {
        if (record == null) {
            out.writeByte(NULL);
        } else if (record instanceof String s) {
            out.writeByte(STRING);
            writeBytes(out, s.getBytes(StandardCharsets.UTF_8));
        } else if (record instanceof Integer i) {
            out.writeByte(INT);
            out.writeInt(i);
        } else if (record instanceof Long l) {
            out.writeByte(LONG);
            out.writeLong(l);
        } else if (record instanceof Pair<?, ?> p) {
            out.writeByte(PAIR);
            write(out, p.key());
            write(out, p.value());
        } else if (record instanceof byte[] b) {
            out.writeByte(BYTES);
            writeBytes(out, b);
        } else if (record instanceof Double d) {
            out.writeByte(DOUBLE);
            out.writeDouble(d);
        } else if (record instanceof Float f) {
            out.writeByte(FLOAT);
            out.writeFloat(f);
        } else if (record instanceof Short s) {
            out.writeByte(SHORT);
            out.writeShort(s);
        } else if (record instanceof Byte b) {
            out.writeByte(BYTE);
            out.writeByte(b);
        } else if (record instanceof Boolean b) {
            out.writeByte(BOOLEAN);
            out.writeBoolean(b);
        } else if (record instanceof Character c) {
            out.writeByte(CHAR);
            out.writeChar(c);
        } else if (record instanceof List<?> list) {
            out.writeByte(LIST);
            out.writeInt(list.size());
            for (Object element : list) {
                write(out, element);
            }
        } else if (record.getClass().isRecord()) {
            RecordShape shape = shape(record.getClass());
            out.writeByte(RECORD);
            out.writeUTF(shape.type.getName());
            for (RecordComponent c : shape.components) {
                write(out, component(record, c));
            }
        } else {
            throw new SerializationException(
                    "Cannot serialise a value of type " + record.getClass().getName()
                            + ": the " + NAME + " serializer supports " + SUPPORTED
                            + ". Convert the value to one of these, or set lifeboat.serializer to a Serializer that handles it.");
        }
    }

    @Override
    public Object read(DataInput in) throws IOException {
        byte tag = in.readByte();
        // A poly expression in return position: each arm boxes to its own type (no numeric promotion).
        return switch (tag) {
            case NULL -> null;
            case STRING -> new String(readBytes(in), StandardCharsets.UTF_8);
            case INT -> in.readInt();
            case LONG -> in.readLong();
            case DOUBLE -> in.readDouble();
            case FLOAT -> in.readFloat();
            case SHORT -> in.readShort();
            case BYTE -> in.readByte();
            case BOOLEAN -> in.readBoolean();
            case CHAR -> in.readChar();
            case BYTES -> readBytes(in);
            case PAIR -> {
                Object key = read(in);
                yield Pair.of(key, read(in));
            }
            case LIST -> {
                int size = in.readInt();
                if (size < 0) {
                    throw new SerializationException("negative list size " + size);
                }
                List<Object> list = new ArrayList<>(Math.min(size, 1024));
                for (int i = 0; i < size; i++) {
                    list.add(read(in));
                }
                yield Collections.unmodifiableList(list);
            }
            case RECORD -> readRecord(in);
            default -> throw new SerializationException("unknown type tag " + tag + " in " + NAME + " data");
        };
    }

    private Object readRecord(DataInput in) throws IOException {
        String className = in.readUTF();
        RecordShape shape = shapes.get(className);
        if (shape == null) {
            shape = shape(loadRecordClass(className));
        }
        Object[] args = new Object[shape.components.length];
        for (int i = 0; i < args.length; i++) {
            args[i] = read(in);
        }
        try {
            return shape.constructor.newInstance(args);
        } catch (InvocationTargetException
                | InstantiationException
                | IllegalAccessException
                | IllegalArgumentException e) {
            throw new SerializationException("Cannot rebuild a record of type " + className + ": " + e, e);
        }
    }

    private static Class<?> loadRecordClass(String className) throws SerializationException {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try {
            Class<?> type = Class.forName(
                    className, false, loader != null ? loader : LifeboatSerializer.class.getClassLoader());
            if (!type.isRecord()) {
                throw new SerializationException("Class " + className + " in " + NAME + " data is not a record");
            }
            return type;
        } catch (ClassNotFoundException e) {
            throw new SerializationException("Record class " + className + " is not on the class path", e);
        }
    }

    private RecordShape shape(Class<?> type) throws SerializationException {
        RecordShape known = shapes.get(type.getName());
        if (known != null && known.type == type) {
            return known;
        }
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            components[i].getAccessor().setAccessible(true);
        }
        try {
            Constructor<?> constructor = type.getDeclaredConstructor(types);
            constructor.setAccessible(true);
            RecordShape shape = new RecordShape(type, components, constructor);
            shapes.put(type.getName(), shape);
            return shape;
        } catch (NoSuchMethodException | RuntimeException e) {
            throw new SerializationException(
                    "Cannot serialise record type " + type.getName() + ": its canonical constructor is not accessible ("
                            + e + ")",
                    e);
        }
    }

    private static Object component(Object record, RecordComponent c) throws SerializationException {
        try {
            return c.getAccessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new SerializationException(
                    "Cannot read component " + c.getName() + " of "
                            + record.getClass().getName() + ": " + e,
                    e);
        }
    }

    private static void writeBytes(DataOutput out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] readBytes(DataInput in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            throw new SerializationException("negative length " + length + " in " + NAME + " data");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    @SuppressWarnings("ArrayRecordComponent") // a cache entry per class, never compared or hashed
    private record RecordShape(Class<?> type, RecordComponent[] components, Constructor<?> constructor) {}
}
