package dev.aeon.engine;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aeon.common.JsonErrors;
import dev.aeon.common.NumberLiterals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongHashSet;

/**
 * An export ({@link NamespaceExport}) read into an empty namespace through {@link Memory}'s own operations:
 * the events in their order (with new ids, their timestamps, attributes, and vectors or none), then the
 * links between them with their validity. The file is read twice: first every line is checked (its JSON,
 * its fields and their types, every link naming events of the file, and what the engine checks of an event
 * or link before it logs it), so that a damaged or truncated file is refused before anything is written;
 * then it is applied.
 */
final class NamespaceImport {

  private static final Set<String> HEADER = Set.of("format", "version", "namespace", "embedding_model", "dimension");
  private static final Set<String> EVENT_REQUIRED = Set.of("id", "session", "role", "at", "text", "attributes");
  private static final Set<String> EVENT = Set.of("id", "session", "role", "at", "text", "attributes", "vector");
  private static final Set<String> LINK = Set.of("link", "from", "to", "valid_from", "valid_to");
  private static final Set<String> END = Set.of("end_events", "end_links");

  private NamespaceImport() {}

  /**
   * Reads {@code file} into {@code memory}, a namespace being built that holds no event. If the engine refuses a
   * line part way (a full disk), the message says how many events and links went in before it.
   */
  static ExportCounts read(Memory memory, Path file, TransferProgress progress) throws IOException {
    Checked checked = check(file, progress);
    String model = checked.model();
    Long2LongHashMap newIds = new Long2LongHashMap(-1);
    long links = 0;
    try (Utf8Lines in = new Utf8Lines(file)) {
      in.next(); // the header, checked
      for (String text = in.next(); text != null; text = in.next()) {
        int line = in.number();
        ObjectNode o = parse(text, line, file);
        if (o.has("end_events")) {
          break; // checked by the first pass: the last line
        }
        boolean link = o.has("link");
        if (link && validAtNoTime(o)) {
          continue; // checked as skipped by the first pass
        }
        try {
          if (link) {
            memory.link(newIds.get(o.get("from").longValue()), o.get("link").textValue(),
                newIds.get(o.get("to").longValue()), o.get("valid_from").longValue(), o.get("valid_to").longValue());
            links++;
          } else {
            newIds.put(o.get("id").longValue(), memory.remember(event(o, model)));
          }
        } catch (RuntimeException e) {
          throw new IOException(file + ", line " + line + ": " + withIoReason(e) + " (" + newIds.size() + " events and "
              + links + " links were imported before it)", e);
        }
        // Outside the try: what the progress throws (the Aeon closing) is not a fault of this line.
        if (link) {
          progress.report(TransferProgress.Step.LINKS, links, checked.links());
        } else {
          progress.report(TransferProgress.Step.EVENTS, newIds.size(), checked.events());
        }
      }
    }
    return new ExportCounts(newIds.size(), links);
  }

  /**
   * {@code e}'s message and, where it leaves it out, that of the I/O error under it: a store says which file it
   * could not write ("appending to ...", "the write-ahead log failed to make a mutation durable"), and the CLI
   * prints the message alone, so a full device went unsaid.
   */
  static String withIoReason(RuntimeException e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    if (root instanceof IOException io && io.getMessage() != null && !message.contains(io.getMessage())) {
      return message + ": " + OpenFailures.reason(io);
    }
    return message;
  }

  /** What the first pass found: the events' embedding model (or null), and how many events and links to import. */
  private record Checked(String model, long events, long links) {}

  /** The first pass: every line well-formed, every link between events of the file. */
  private static Checked check(Path file, TransferProgress progress) throws IOException {
    long size = Files.size(file);
    LongHashSet ids = new LongHashSet();
    int line = 1;
    try (Utf8Lines in = new Utf8Lines(file)) {
      String first = in.next();
      if (first == null) {
        throw new IOException(file + " is empty: an export starts with a header line");
      }
      ObjectNode header = parse(first, line, file);
      fields(header, HEADER, HEADER, "the header", line, file);
      if (!NamespaceExport.FORMAT.equals(header.get("format").textValue())) {
        throw new IOException(file + " is not an Aeon export (its format is " + header.get("format") + ")");
      }
      int version = header.get("version").asInt(-1);
      if (version < 1 || version > NamespaceExport.VERSION) {
        throw new IOException(file + " is an export of version " + header.get("version") + "; this Aeon reads"
            + " versions 1 to " + NamespaceExport.VERSION);
      }
      String model = header.get("embedding_model").isNull() ? null : header.get("embedding_model").textValue();
      long dimension = header.get("dimension").longValue();
      boolean inLinks = false;
      long links = 0;
      long importable = 0;
      ObjectNode end = null;
      for (String text = in.next(); text != null; text = in.next()) {
        line = in.number();
        progress.report(TransferProgress.Step.CHECKING_BYTES, in.position(), size);
        ObjectNode o = parse(text, line, file);
        if (end != null) {
          throw new IOException(file + ", line " + line + ": a line after the end line");
        }
        if (o.has("end_events") && version >= NamespaceExport.FIRST_WITH_END) {
          fields(o, END, END, "the end line", line, file);
          end = o;
        } else if (o.has("link")) {
          links++;
          inLinks = true;
          fields(o, LINK, LINK, "a link", line, file);
          if (validAtNoTime(o)) {
            Inputs.linkType(o.get("link").textValue()); // counted by the end line, then skipped
          } else {
            Inputs.link(o.get("link").textValue(), o.get("valid_from").longValue(), o.get("valid_to").longValue());
            importable++;
          }
          for (String side : new String[] {"from", "to"}) {
            if (!ids.contains(o.get(side).longValue())) {
              throw new IOException(file + ", line " + line + ": the link's '" + side + "' names event "
                  + o.get(side) + ", which is not in the file before it");
            }
          }
        } else {
          if (inLinks) {
            throw new IOException(file + ", line " + line + ": an event after the links");
          }
          fields(o, EVENT, EVENT_REQUIRED, "an event", line, file);
          if (!ids.add(o.get("id").longValue())) {
            throw new IOException(file + ", line " + line + ": event " + o.get("id") + " is in the file twice");
          }
          Remember r = event(o, model);
          Inputs.event(r); // what the engine would refuse in the second pass, refused now
          if (o.has("vector") && o.get("vector").size() != dimension) {
            throw new IOException(file + ", line " + line + ": a vector of " + o.get("vector").size()
                + " dimensions in an export of " + dimension);
          }
        }
      }
      if (version >= NamespaceExport.FIRST_WITH_END) {
        checkEnd(file, end, ids.size(), links);
      }
      return new Checked(model, ids.size(), importable);
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ", line " + line + ": " + e.getMessage(), e);
    }
  }

  /**
   * A link that ends at or before its start, which exports of older releases hold (an invalidation was not
   * checked against the start): valid at no time, seen by no query, and not imported.
   */
  private static boolean validAtNoTime(ObjectNode link) {
    return link.get("valid_from").longValue() >= link.get("valid_to").longValue();
  }

  /** A version 2 export ends with a line that counts its events and links: without it, the file was cut. */
  private static void checkEnd(Path file, ObjectNode end, long events, long links) throws IOException {
    if (end == null) {
      throw new IOException(file + " has no end line after its " + events + " events and " + links
          + " links: the file was cut short");
    }
    if (end.get("end_events").longValue() != events || end.get("end_links").longValue() != links) {
      throw new IOException(file + ": its end line counts " + end.get("end_events") + " events and "
          + end.get("end_links") + " links, but it holds " + events + " and " + links);
    }
  }

  /** The event a line describes; throws IllegalArgumentException for a value of the wrong type. */
  private static Remember event(ObjectNode o, String model) {
    Remember r = Remember.event(o.get("session").textValue(), o.get("role").textValue(), o.get("text").textValue())
        .at(o.get("at").longValue());
    r.restored = true; // as exported, even an attribute named like a property, which new events cannot have
    if (!o.get("attributes").isObject()) {
      throw new IllegalArgumentException("'attributes' is not an object");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = o.get("attributes").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> a = it.next();
      JsonNode v = a.getValue();
      Object value = v.isTextual() ? v.textValue()
          : v.isIntegralNumber() && v.canConvertToLong() ? (Object) v.longValue()
          : v.isFloatingPointNumber() ? (Object) v.doubleValue()
          : v.isBoolean() ? (Object) v.booleanValue() : null;
      if (value == null) {
        throw new IllegalArgumentException("attribute '" + a.getKey() + "' is " + v + ", not a string, number or"
            + " boolean");
      }
      r.attribute(a.getKey(), value);
    }
    JsonNode vector = o.get("vector");
    if (vector == null) {
      return r.withoutVector();
    }
    if (!vector.isArray() || vector.isEmpty()) {
      throw new IllegalArgumentException("'vector' is not a non-empty array of numbers");
    }
    float[] v = new float[vector.size()];
    for (int i = 0; i < v.length; i++) {
      if (!vector.get(i).isNumber()) {
        throw new IllegalArgumentException("'vector' component " + i + " is " + vector.get(i) + ", not a number");
      }
      v[i] = vector.get(i).floatValue();
      if (!Float.isFinite(v[i])) {
        throw new IllegalArgumentException("'vector' component " + i + " is " + v[i]);
      }
    }
    return r.vector(v, model);
  }

  /** Checks that {@code o} has only {@code allowed} fields, every one of {@code required}, of their types. */
  private static void fields(ObjectNode o, Set<String> allowed, Set<String> required, String what, int line,
      Path file) throws IOException {
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw new IOException(file + ", line " + line + ": " + what + " with an unknown field '" + f + "'");
      }
    }
    for (String f : required) {
      JsonNode v = o.get(f);
      boolean ok = switch (f) {
        case "format", "namespace", "session", "role", "text", "link" -> v != null && v.isTextual();
        case "embedding_model" -> v != null && (v.isTextual() || v.isNull());
        case "attributes" -> v != null && v.isObject();
        default -> v != null && v.isIntegralNumber() && v.canConvertToLong(); // ids, times, version, dimension
      };
      if (!ok) {
        throw new IOException(file + ", line " + line + ": " + what + (v == null ? " without '" + f + "'"
            : " whose '" + f + "' is " + v));
      }
    }
  }

  private static ObjectNode parse(String text, int line, Path file) throws IOException {
    try (JsonParser p = new FiniteNumbers(NamespaceExport.JSON.createParser(text))) {
      if (NamespaceExport.JSON.readTree(p) instanceof ObjectNode o) {
        return o;
      }
    } catch (BeyondDouble e) {
      throw new IOException(file + ", line " + line + ": " + e.getOriginalMessage(), e);
    } catch (JsonProcessingException e) {
      throw new IOException(file + ", line " + line + ": not JSON: " + JsonErrors.reason(e.getOriginalMessage()), e);
    }
    throw new IOException(file + ", line " + line + ": not a JSON object");
  }

  /**
   * A parser that refuses a number beyond a double's range: Jackson reads {@code 1e400} as an infinity without a
   * word, so an attribute written so was imported as one, and exported again as {@code Infinity}. The bare
   * words {@code Infinity} and {@code -Infinity}, which an export writes, are read as before. So is a nonzero number
   * nearer to 0 than any double, which Jackson reads as 0.0 ({@code 1e-400}); an export writes none (its smallest,
   * {@code 4.9E-324}, reads as itself).
   */
  private static final class FiniteNumbers extends JsonParserDelegate {

    FiniteNumbers(JsonParser p) {
      super(p);
    }

    @Override
    public JsonToken nextToken() throws IOException {
      JsonToken t = super.nextToken();
      if (t == JsonToken.VALUE_NUMBER_FLOAT && Double.isInfinite(getDoubleValue()) && !getText().endsWith("Infinity")) {
        throw new BeyondDouble(this, "the number " + getText() + " is beyond the range of a double");
      }
      if (t == JsonToken.VALUE_NUMBER_FLOAT && NumberLiterals.underflows(getText(), getDoubleValue())) {
        throw new BeyondDouble(this, "the number " + getText() + " is nearer to 0 than any double (it would be "
            + getDoubleValue() + ")");
      }
      return t;
    }
  }

  private static final class BeyondDouble extends JsonParseException {
    BeyondDouble(JsonParser p, String message) {
      super(p, message);
    }
  }
}
