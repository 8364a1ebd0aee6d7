package dev.aeon.engine;

import dev.aeon.common.JavaValues;
import dev.aeon.common.io.Utf8Text;
import dev.aeon.engine.log.Mutation;
import dev.aeon.engine.log.Mutation.AddLink;
import dev.aeon.engine.log.Mutation.ForgetEvent;
import dev.aeon.engine.log.Mutation.ForgetSession;
import dev.aeon.engine.log.Mutation.Invalidate;
import dev.aeon.engine.log.Mutation.RememberBatch;
import dev.aeon.engine.log.Mutation.RememberEvent;
import dev.aeon.engine.log.Mutation.SetAttributes;
import dev.aeon.query.trace.Trace;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Checks and normalises what callers pass in, before anything is logged: nothing is half applied. */
final class Inputs {

  static final int MAX_NAME_BYTES = Remember.MAX_NAME_BYTES;

  private Inputs() {}

  /**
   * Throws what remember throws for {@code r} whatever the namespace holds: a bad session, role, text or
   * attributes, a vector that is not usable (of any dimension), a bad link type.
   */
  static void event(Remember r) {
    batchEvent(r);
    notInABatch(r);
  }

  /**
   * {@link #event} for an event of a batch, which may link to another of the batch: those links' types are checked
   * where they are resolved ({@link BatchIndexes#links}).
   */
  static void batchEvent(Remember r) {
    name("session", r.session);
    name("role", r.role);
    text("text", r.text);
    attributes(r);
    if (r.vector != null) {
      checkVector(r.vector, 0);
    }
    for (Remember.Link l : r.links) {
      linkType(l.type());
    }
  }

  /** Refuses an event linked to another of its batch ({@link Remember#link(String, Remember)}) outside a batch. */
  static void notInABatch(Remember r) {
    if (!r.batchLinks.isEmpty()) {
      throw new IllegalArgumentException("the event links to another event of its batch (a '"
          + r.batchLinks.getFirst().type() + "' link to a Remember, not to an id): only rememberAll can remember it");
    }
  }

  /**
   * What {@link DurableMemory#remember} would refuse of {@code r} in a namespace that holds nothing yet, checked
   * without one (see {@link Aeon#checkBeforeCreating}): bad names, text, attributes and vectors, and any link, as
   * there is no event to link to. The size of the whole record is left to remember.
   */
  static void eventForNewNamespace(String namespace, Remember r, int maxEventBytes) {
    Objects.requireNonNull(r, "event");
    notInABatch(r);
    batchEventForNewNamespace(namespace, r, maxEventBytes);
  }

  /** {@link #eventForNewNamespace} for an event of a batch, which may link to another of the batch. */
  static void batchEventForNewNamespace(String namespace, Remember r, int maxEventBytes) {
    batchEvent(r);
    textFitsALogRecord(r.text, maxEventBytes);
    if (!r.links.isEmpty()) {
      throw noEvent(r.links.getFirst().target(), namespace);
    }
  }

  /** What a write naming an event that namespace {@code namespace} does not hold throws. */
  static IllegalArgumentException noEvent(long id, String namespace) {
    return new IllegalArgumentException("no event with id " + id + " in namespace '" + namespace + "'");
  }

  static String name(String what, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be " + (value == null ? "null" : "empty"));
    }
    text(what, value);
    if (value.length() > MAX_NAME_BYTES / 3
        && value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
      throw new IllegalArgumentException(what + " is longer than " + MAX_NAME_BYTES + " bytes");
    }
    return value;
  }

  /**
   * Throws unless every name in a logged mutation (session, role, attribute name, link type) is one that
   * {@link #name} took before it was logged. Only this check: every release has made it, where others (an
   * attribute named as an event's property) are newer than logs a crash may have left.
   */
  static void loggedNames(Mutation m) {
    switch (m) {
      case RememberBatch b -> b.events().forEach(Inputs::loggedNames);
      case RememberEvent r -> {
        name("session", r.session());
        name("role", r.role());
        r.attributes().keySet().forEach(a -> name("attribute name", a));
        r.links().forEach(l -> name("link type", l.type()));
      }
      case AddLink l -> name("link type", l.type());
      case Invalidate i -> name("link type", i.type());
      case SetAttributes s -> s.attributes().keySet().forEach(a -> name("attribute name", a));
      case ForgetEvent f -> { }
      case ForgetSession f -> name("session", f.session());
    }
  }

  /** A link type the trace can store: a name, and not the implicit {@code NEXT}. */
  static String linkType(String type) {
    name("link type", type);
    Trace.checkEdgeType(type);
    return type;
  }

  /** An invalidation the trace can store: a link type, and an end that is not "open". */
  static void invalidation(String type, long atMicros) {
    Objects.requireNonNull(type, "type");
    name("link type", type);
    Trace.checkInvalidation(type, atMicros);
  }

  /** A link the trace can store: its type, and a validity that ends after it starts. */
  static void link(String type, long validFromMicros, long validToMicros) {
    Objects.requireNonNull(type, "type");
    name("link type", type);
    Trace.checkEdge(type, validFromMicros, validToMicros);
  }

  /** {@code value} if it is well-formed UTF-16 ({@link Utf8Text}: the stores write text as UTF-8). */
  static String text(String what, String value) {
    return Utf8Text.requireWellFormed(what, value);
  }

  /** Refuses a text that alone takes more than the {@code maxBytes} of one log record, in UTF-8. */
  static void textFitsALogRecord(String text, int maxBytes) {
    if (text.length() > maxBytes / 3) { // at most 3 bytes of UTF-8 per char
      int bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      if (bytes > maxBytes) {
        throw new IllegalArgumentException("the text takes " + bytes + " bytes, more than the " + maxBytes
            + " one log record holds (" + Stores.MAX_MUTATION_BYTES_IS + ")");
      }
    }
  }

  /**
   * Attribute values become String, Long, Double or Boolean; anything else is refused, as are more
   * attributes than the trace stores for one event (256, at most 32,760 bytes encoded), and names of the
   * properties every event has ({@link Trace#EVENT_PROPERTIES}) but in an event an import restores.
   */
  static Map<String, Object> attributes(Remember r) {
    return attributes(r.attributes, false, r.restored);
  }

  /** Changes to an event's attributes: as {@link #attributes}, where a null value removes the attribute. */
  static Map<String, Object> attributeChanges(Map<String, Object> in) {
    return attributes(in, true, false);
  }

  private static Map<String, Object> attributes(Map<String, Object> in, boolean nullRemoves,
      boolean propertyNamesAllowed) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : in.entrySet()) {
      name("attribute name", e.getKey());
      if (e.getValue() != null && !propertyNamesAllowed && Trace.EVENT_PROPERTIES.contains(e.getKey())) {
        throw new IllegalArgumentException("attribute name '" + e.getKey() + "' is that of a property every event has "
            + Trace.EVENT_PROPERTIES.stream().sorted().toList()
            + ": queries would read the event's, not the attribute");
      }
      Object v = switch (e.getValue()) {
        case String s -> text("attribute '" + e.getKey() + "'", s);
        case Long l -> l;
        case Integer i -> (long) i;
        case Short s -> (long) s;
        case Byte b -> (long) b;
        case Double d -> d;
        case Float f -> JavaValues.decimal(f);
        case Boolean b -> b;
        case null -> {
          if (!nullRemoves) {
            throw new IllegalArgumentException("attribute '" + e.getKey() + "' is null");
          }
          yield null;
        }
        default -> throw new IllegalArgumentException("attribute '" + e.getKey() + "' has an unsupported type "
            + JavaValues.typeName(e.getValue()) + " (use String, Long, Double or Boolean)");
      };
      out.put(e.getKey(), v);
    }
    if (!out.isEmpty()) {
      Trace.checkAttributes(out);
    }
    return out;
  }

  /**
   * A copy of {@code v} if it is usable: the expected dimension (when one is fixed), finite components
   * and a non-zero norm.
   */
  static float[] vector(float[] v, int expectedDim) {
    checkVector(v, expectedDim);
    return v.clone();
  }

  /** Throws if {@code v} is not usable (see {@link #vector}). */
  static void checkVector(float[] v, int expectedDim) {
    if (v.length == 0) {
      throw new IllegalArgumentException("vector is empty");
    }
    checkDimension(v, expectedDim);
    double norm = 0;
    for (int i = 0; i < v.length; i++) {
      if (!Float.isFinite(v[i])) {
        throw new IllegalArgumentException("vector component " + i + " is " + v[i]);
      }
      norm += (double) v[i] * v[i];
    }
    if (norm == 0) {
      throw new IllegalArgumentException("vector is all zeros: it has no direction to compare");
    }
  }

  /** What the embedder returned, if it returned something (its contents are checked as any vector's). */
  static float[] embedded(float[] vector) {
    if (vector == null) {
      throw new IllegalStateException("the embedder returned no vector");
    }
    return vector;
  }

  /** Throws unless {@code v} has {@code expectedDim} dimensions (any, if that is 0). */
  static void checkDimension(float[] v, int expectedDim) {
    checkDimension(v.length, expectedDim);
  }

  /** {@link #checkDimension(float[], int)} for a vector of {@code length} dimensions. */
  static void checkDimension(int length, int expectedDim) {
    if (expectedDim > 0 && length != expectedDim) {
      throw new IllegalArgumentException("vector has " + length + " dimensions, this memory holds "
          + expectedDim + "-dimensional vectors");
    }
  }
}
