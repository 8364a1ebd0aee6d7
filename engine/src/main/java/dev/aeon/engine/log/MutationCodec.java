package dev.aeon.engine.log;

import dev.aeon.engine.Memory;
import dev.aeon.engine.log.Mutation.AddLink;
import dev.aeon.engine.log.Mutation.ForgetEvent;
import dev.aeon.engine.log.Mutation.ForgetSession;
import dev.aeon.engine.log.Mutation.Invalidate;
import dev.aeon.engine.log.Mutation.LinkTo;
import dev.aeon.engine.log.Mutation.RememberBatch;
import dev.aeon.engine.log.Mutation.RememberEvent;
import dev.aeon.engine.log.Mutation.SetAttributes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes mutations as (WAL record type, payload) and back. Payloads are big-endian
 * {@link DataOutputStream} fields; strings are a u32 length and UTF-8 bytes (texts may exceed 64 KiB).
 *
 * <pre>
 * REMEMBER (1): id i64 | session str | role str | ts i64 | text str | dim i32 (-1: none) | dim x f32
 *               | attributes | links: count i32, (type str, target i64)*
 * LINK (2):     from i64 | type str | to i64 | validFrom i64 | validTo i64
 * INVALIDATE (3): from i64 | type str | to i64 | at i64
 * SET_ATTRIBUTES (4): id i64 | attributes
 * FORGET (5):   id i64
 * FORGET_SESSION (6): session str
 * REMEMBER_BATCH (7): count i32 (at least 1) | (length i32, REMEMBER payload)*count; the events' ids follow each
 *               other, the first first (from the release that added Memory.rememberAll; an older one reports the
 *               record as written by a newer release)
 * attributes:   count i32, (name str, tag u8, value)*  tag 1 String, 2 Long, 3 Double, 4 Boolean (u8 0 or 1),
 *               5 removed (no value); each name once
 * </pre>
 *
 * <p>The decoder takes only what the encoder writes: a string that is not UTF-8, a dimension below -1, an
 * attribute named twice or a boolean byte other than 0 and 1 is refused, not read as something near it.
 */
public final class MutationCodec {

  public static final byte REMEMBER = 1;
  public static final byte LINK = 2;
  public static final byte INVALIDATE = 3;
  public static final byte SET_ATTRIBUTES = 4;
  public static final byte FORGET = 5;
  public static final byte FORGET_SESSION = 6;
  public static final byte REMEMBER_BATCH = 7;

  /** Attribute value tags; REMOVED (no value) only in the changes of a SET_ATTRIBUTES. */
  private static final byte STRING = 1, LONG = 2, DOUBLE = 3, BOOLEAN = 4, REMOVED = 5;

  private MutationCodec() {}

  /** The WAL record type of a mutation. */
  public static byte type(Mutation m) {
    return switch (m) {
      case RememberEvent r -> REMEMBER;
      case AddLink l -> LINK;
      case Invalidate i -> INVALIDATE;
      case SetAttributes s -> SET_ATTRIBUTES;
      case ForgetEvent f -> FORGET;
      case ForgetSession f -> FORGET_SESSION;
      case RememberBatch b -> REMEMBER_BATCH;
    };
  }

  public static byte[] encode(Mutation m) {
    EncodeScratch scratch = EncodeScratch.ofThread();
    DataOutputStream out = scratch.start(); // the thread's: not closed, a ByteArrayOutputStream holds nothing to close
    try {
      switch (m) {
        case RememberEvent r -> writeRemember(out, r, scratch.floatChunk());
        case RememberBatch b -> {
          out.writeInt(b.events().size());
          ByteArrayOutputStream one = new ByteArrayOutputStream(256);
          for (RememberEvent r : b.events()) {
            one.reset();
            try (DataOutputStream event = new DataOutputStream(one)) {
              writeRemember(event, r, scratch.floatChunk());
            }
            out.writeInt(one.size());
            one.writeTo(out);
          }
        }
        case AddLink l -> {
          out.writeLong(l.from());
          writeString(out, l.type());
          out.writeLong(l.to());
          out.writeLong(l.validFromMicros());
          out.writeLong(l.validToMicros());
        }
        case Invalidate i -> {
          out.writeLong(i.from());
          writeString(out, i.type());
          out.writeLong(i.to());
          out.writeLong(i.atMicros());
        }
        case SetAttributes s -> {
          out.writeLong(s.id());
          writeAttributes(out, s.attributes());
        }
        case ForgetEvent f -> out.writeLong(f.id());
        case ForgetSession f -> writeString(out, f.session());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return scratch.encoded();
  }

  /** A REMEMBER payload. */
  private static void writeRemember(DataOutputStream out, RememberEvent r, byte[] floatChunk) throws IOException {
    out.writeLong(r.id());
    writeString(out, r.session());
    writeString(out, r.role());
    out.writeLong(r.tsMicros());
    writeString(out, r.text());
    out.writeInt(r.vector() == null ? -1 : r.vector().length);
    if (r.vector() != null) {
      FloatsOut.write(out, r.vector(), floatChunk); // each float as writeFloat writes it
    }
    writeAttributes(out, r.attributes());
    out.writeInt(r.links().size());
    for (LinkTo link : r.links()) {
      writeString(out, link.type());
      out.writeLong(link.target());
    }
  }

  /**
   * Decodes a payload logged with {@link #encode}.
   *
   * @throws IllegalArgumentException if the type is unknown or the payload malformed: the log's CRC
   *     matched, so this means a bug or a newer writer, never something to skip
   */
  public static Mutation decode(byte type, byte[] payload) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
      Mutation m = switch (type) {
        case REMEMBER -> readRemember(in);
        case LINK -> new AddLink(in.readLong(), readString(in), in.readLong(), in.readLong(), in.readLong());
        case INVALIDATE -> new Invalidate(in.readLong(), readString(in), in.readLong(), in.readLong());
        case SET_ATTRIBUTES -> new SetAttributes(in.readLong(), readAttributes(in, true));
        case FORGET -> new ForgetEvent(in.readLong());
        case FORGET_SESSION -> new ForgetSession(readString(in));
        case REMEMBER_BATCH -> readBatch(in);
        default -> throw new IllegalArgumentException("unknown mutation type " + type);
      };
      if (in.available() != 0) {
        throw new IllegalArgumentException("mutation type " + type + " has " + in.available() + " trailing bytes");
      }
      return m;
    } catch (EOFException e) {
      throw new IllegalArgumentException("mutation type " + type + " is truncated (" + payload.length + " bytes)", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A batch as the encoder writes it: at least one event, each a whole REMEMBER payload of the length given, their
   * ids following each other.
   */
  private static RememberBatch readBatch(DataInputStream in) throws IOException {
    int count = in.readInt();
    if (count < 1) {
      throw new IllegalArgumentException("a batch of " + count + " events");
    }
    checkCount(count, in, 4);
    List<RememberEvent> events = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int length = in.readInt();
      checkCount(length, in, 1);
      RememberEvent r;
      try (DataInputStream one = new DataInputStream(new ByteArrayInputStream(in.readNBytes(length)))) {
        r = readRemember(one);
        if (one.available() != 0) {
          throw new IllegalArgumentException("event " + i + " of a batch has " + one.available() + " trailing bytes");
        }
      }
      if (i > 0 && r.id() != events.get(i - 1).id() + 1) {
        throw new IllegalArgumentException("event " + i + " of a batch has id " + r.id() + ", not "
            + (events.get(i - 1).id() + 1));
      }
      events.add(r);
    }
    return new RememberBatch(events);
  }

  private static RememberEvent readRemember(DataInputStream in) throws IOException {
    long id = in.readLong();
    if (id < 1 || id > Memory.MAX_ID) {
      throw new IllegalArgumentException("event id " + id + " is out of range [1, " + Memory.MAX_ID + "]");
    }
    String session = readString(in);
    String role = readString(in);
    long ts = in.readLong();
    String text = readString(in);
    int dim = in.readInt();
    float[] vector = null;
    if (dim < -1) { // -1 is "none": another negative one would drop a vector without a word
      throw new IllegalArgumentException("vector dimension " + dim);
    }
    if (dim >= 0) {
      checkCount(dim, in, 4);
      vector = new float[dim];
      for (int i = 0; i < dim; i++) {
        vector[i] = in.readFloat();
      }
    }
    Map<String, Object> attributes = readAttributes(in, false);
    int links = in.readInt();
    checkCount(links, in, 12);
    List<LinkTo> list = new ArrayList<>(links);
    for (int i = 0; i < links; i++) {
      list.add(new LinkTo(readString(in), in.readLong()));
    }
    return new RememberEvent(id, session, role, ts, text, vector, attributes, list);
  }

  private static void writeAttributes(DataOutputStream out, Map<String, Object> attributes) throws IOException {
    out.writeInt(attributes.size());
    for (Map.Entry<String, Object> e : attributes.entrySet()) {
      writeString(out, e.getKey());
      switch (e.getValue()) {
        case String s -> {
          out.writeByte(STRING);
          writeString(out, s);
        }
        case Long l -> {
          out.writeByte(LONG);
          out.writeLong(l);
        }
        case Double d -> {
          out.writeByte(DOUBLE);
          out.writeDouble(d);
        }
        case Boolean b -> {
          out.writeByte(BOOLEAN);
          out.writeBoolean(b);
        }
        case null -> out.writeByte(REMOVED);
        default -> throw new IllegalArgumentException("attribute '" + e.getKey() + "' has an unsupported type "
            + dev.aeon.common.JavaValues.typeName(e.getValue()) + " (use String, Long, Double or Boolean)");
      }
    }
  }

  private static Map<String, Object> readAttributes(DataInputStream in, boolean removals) throws IOException {
    int n = in.readInt();
    checkCount(n, in, 6);
    Map<String, Object> attributes = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String name = readString(in);
      byte tag = in.readByte();
      Object value = switch (tag) {
        case STRING -> readString(in);
        case LONG -> in.readLong();
        case DOUBLE -> in.readDouble();
        case BOOLEAN -> readBoolean(in);
        case REMOVED -> {
          if (!removals) {
            throw new IllegalArgumentException("a remembered event's attribute '" + name + "' has no value");
          }
          yield null;
        }
        default -> throw new IllegalArgumentException("unknown attribute tag " + tag);
      };
      if (attributes.containsKey(name)) {
        throw new IllegalArgumentException("attribute '" + name + "' appears twice");
      }
      attributes.put(name, value);
    }
    return attributes;
  }

  private static boolean readBoolean(DataInputStream in) throws IOException {
    byte b = in.readByte();
    if (b != 0 && b != 1) {
      throw new IllegalArgumentException("boolean byte " + b);
    }
    return b == 1;
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in) throws IOException {
    int n = in.readInt();
    checkCount(n, in, 1);
    try {
      // Not new String(bytes, UTF_8), which would turn a damaged byte into U+FFFD: the writer wrote UTF-8.
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(in.readNBytes(n))).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("a string of " + n + " bytes is not UTF-8", e);
    }
  }

  /** Refuses counts that the remaining payload cannot hold, before allocating for them. */
  private static void checkCount(int count, DataInputStream in, int minBytesEach) throws IOException {
    if (count < 0 || (long) count * minBytesEach > in.available()) {
      throw new IllegalArgumentException("bad count " + count + " with " + in.available() + " bytes left");
    }
  }
}
