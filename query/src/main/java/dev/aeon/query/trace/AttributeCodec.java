package dev.aeon.query.trace;

import dev.aeon.common.JavaValues;
import dev.aeon.common.io.Utf8Text;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Encodes attribute maps: a short count, then per entry a short-prefixed UTF-8 key, a tag byte and the
 * value (string: int-prefixed UTF-8; long, double, timestamp (epoch µs): 8 bytes; boolean: 1 byte).
 * Values are normalised on entry: Integer/Short/Byte become Long, Float becomes Double.
 */
final class AttributeCodec {

  private static final byte STRING = 1;
  private static final byte LONG = 2;
  private static final byte DOUBLE = 3;
  private static final byte BOOLEAN = 4;
  private static final byte TIMESTAMP = 5;
  static final int MAX_ENTRIES = 256;
  /** The most an encoded map may take: its record also holds the event's id, and a reader refuses more. */
  static final int MAX_BYTES = MetaRecordDescriptor.MAX_PAYLOAD - Long.BYTES;

  private AttributeCodec() {}

  /** The value as stored, or an IllegalArgumentException naming the key for unsupported types. */
  static Object normalise(String key, Object value) {
    return switch (value) {
      case String s -> s;
      case Long l -> l;
      case Integer i -> (long) i;
      case Short s -> (long) s;
      case Byte b -> (long) b;
      case Double d -> d;
      case Float f -> JavaValues.decimal(f);
      case Boolean b -> b;
      case Instant t -> timestamp(key, t);
      default -> throw new IllegalArgumentException("attribute '" + key + "' has a value of type "
          + JavaValues.typeName(value) + "; use String, Long, Double, Boolean or Instant");
    };
  }

  /** Instants are stored as epoch microseconds in a long: about 292,000 years either side of 1970. */
  private static Instant timestamp(String key, Instant t) {
    try {
      Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("attribute '" + key + "' is a timestamp " + t
          + " outside the range of epoch microseconds");
    }
    return t.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
  }

  /**
   * Encodes the map into an array of exactly its size: the keys and strings are turned into bytes once,
   * summed and checked against the record's limit, then written. The engine encodes each event's
   * attributes twice (its check before logging, then the trace's write), so neither allocates a buffer of
   * the limit's size.
   */
  static byte[] encode(Map<String, Object> attributes) {
    if (attributes.size() > MAX_ENTRIES) {
      throw new IllegalArgumentException(attributes.size() + " attributes, at most " + MAX_ENTRIES);
    }
    byte[][] keys = new byte[attributes.size()][];
    byte[][] strings = new byte[attributes.size()][];
    long size = Short.BYTES;
    int i = 0;
    for (Map.Entry<String, Object> e : attributes.entrySet()) {
      keys[i] = utf8("attribute key", e.getKey());
      if (keys[i].length > Short.MAX_VALUE) {
        throw new IllegalArgumentException("attribute key longer than " + Short.MAX_VALUE + " bytes");
      }
      size += Short.BYTES + keys[i].length + 1 + switch (e.getValue()) {
        case String s -> Integer.BYTES + (strings[i] = utf8("attribute '" + e.getKey() + "'", s)).length;
        case Long l -> Long.BYTES;
        case Double d -> Double.BYTES;
        case Boolean x -> 1;
        case Instant t -> Long.BYTES;
        default -> throw new IllegalArgumentException("unsupported attribute value " + e.getValue());
      };
      i++;
    }
    if (size > MAX_BYTES) {
      throw new IllegalArgumentException("attributes take more than " + MAX_BYTES
          + " bytes encoded; store large values as text");
    }
    ByteBuffer b = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort((short) attributes.size());
    i = 0;
    for (Object value : attributes.values()) {
      b.putShort((short) keys[i].length).put(keys[i]);
      switch (value) {
        case String s -> b.put(STRING).putInt(strings[i].length).put(strings[i]);
        case Long l -> b.put(LONG).putLong(l);
        case Double d -> b.put(DOUBLE).putDouble(d);
        case Boolean x -> b.put(BOOLEAN).put((byte) (x ? 1 : 0));
        case Instant t -> b.put(TIMESTAMP).putLong(t.getEpochSecond() * 1_000_000L + t.getNano() / 1000);
        default -> throw new AssertionError(value); // refused above
      }
      i++;
    }
    return b.array();
  }

  /** The UTF-8 bytes of {@code s}; an unpaired surrogate is refused ({@link Utf8Text}). */
  static byte[] utf8(String what, String s) {
    return Utf8Text.encode(what, s);
  }

  /** Decodes a map; throws IllegalStateException on malformed bytes (the caller reports file and offset). */
  static Map<String, Object> decode(ByteBuffer b) {
    try {
      int n = b.getShort();
      if (n < 0 || n > MAX_ENTRIES) {
        throw new IllegalStateException("attribute count " + n);
      }
      Map<String, Object> map = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        String key = utf8(b, b.getShort());
        byte tag = b.get();
        Object v = switch (tag) {
          case STRING -> utf8(b, b.getInt());
          case LONG -> b.getLong();
          case DOUBLE -> b.getDouble();
          case BOOLEAN -> b.get() != 0;
          case TIMESTAMP -> Instant.EPOCH.plus(b.getLong(), java.time.temporal.ChronoUnit.MICROS);
          default -> throw new IllegalStateException("attribute tag " + tag);
        };
        map.put(key, v);
      }
      return Collections.unmodifiableMap(map);
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new IllegalStateException("truncated attribute map", e);
    }
  }

  private static String utf8(ByteBuffer b, int length) {
    if (length < 0 || length > b.remaining()) {
      throw new IllegalStateException("string length " + length);
    }
    byte[] bytes = new byte[length];
    b.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
