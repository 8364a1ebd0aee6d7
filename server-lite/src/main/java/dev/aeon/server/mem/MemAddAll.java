package dev.aeon.server.mem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aeon.engine.Memory;
import dev.aeon.engine.Remember;
import dev.aeon.server.ClientSession;
import dev.aeon.server.command.Args;
import dev.aeon.server.command.CommandError;
import dev.aeon.server.command.JsonValues;
import dev.aeon.server.command.VectorInput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * MEM.ADDALL event [event ...]: remembers many events at once ({@link Memory#rememberAll}), each a JSON object of
 * {@code session}, {@code role}, {@code text} and optionally {@code vector} (an array of numbers; without it the
 * server's model embeds the text, all the batch's texts in one call), {@code at} (microseconds), {@code attrs} (an
 * object, as MEM.ADD's ATTRS) and {@code links} (an array of {@code {"type": t, "id": n}} to an existing event, or
 * {@code {"type": t, "index": i}} to the batch's event at index i, from 0, before or after it). All or nothing: one
 * log record, so one forced write under SYNC, and after a crash every event of an acknowledged batch is there.
 */
final class MemAddAll {

  private static final Set<String> FIELDS = Set.of("session", "role", "text", "vector", "at", "attrs", "links");

  private MemAddAll() {}

  static void run(ClientSession c, Args a) throws IOException {
    int n = a.remaining();
    if (n > Memory.MAX_BATCH_EVENTS) {
      throw CommandError.err("MEM.ADDALL takes at most " + Memory.MAX_BATCH_EVENTS + " events, got " + n
          + "; nothing was remembered: send them in smaller batches");
    }
    List<ObjectNode> objects = new ArrayList<>(n);
    List<Remember> batch = new ArrayList<>(n);
    boolean withoutVector = false;
    for (int i = 0; i < n; i++) {
      String json = a.nextText("the event");
      try {
        ObjectNode o = JsonValues.parseArgumentObject(json, "an event");
        objects.add(o);
        batch.add(event(o));
        withoutVector |= !o.has("vector");
      } catch (CommandError e) {
        throw refused(i, n, e);
      }
    }
    for (int i = 0; i < n; i++) {
      try {
        addLinks(objects.get(i), batch, i);
      } catch (CommandError e) {
        throw refused(i, n, e);
      }
    }
    if (withoutVector && c.server().embedder() == null && c.server().config().embedderFailure() != null) {
      throw CommandError.err(VectorInput.withoutEmbedder(c.server(), "MEM.ADDALL of an event without a vector")
          + "; give each event's vector, or start the server with --embedder none to store events without one");
    }
    List<Long> ids = c.memoryToRemember(batch).rememberAll(batch);
    c.writer().array(ids.size());
    for (long id : ids) {
      c.writer().integer(id);
    }
  }

  /**
   * The refusal {@code e} of the batch's event at {@code index}, naming it in the engine's words for its refusals:
   * every refusal of an event, the server's (its JSON, attributes, links) as the engine's.
   */
  private static CommandError refused(int index, int n, CommandError e) {
    if (!e.getMessage().startsWith("ERR ")) {
      return e;
    }
    return CommandError.err("the batch's event at index " + index + " (of " + n + ", from 0) is refused, so nothing"
        + " was remembered: " + e.getMessage().substring("ERR ".length()));
  }

  private static Remember event(ObjectNode o) {
    for (Map.Entry<String, JsonNode> field : o.properties()) {
      if (!FIELDS.contains(field.getKey())) {
        throw CommandError.err("unknown field '" + CommandError.clip(field.getKey())
            + "' (an event has session, role, text, vector, at, attrs and links)");
      }
    }
    Remember r = Remember.event(string(o, "session"), string(o, "role"), string(o, "text"));
    if (o.has("vector")) {
      r.vector(vector(o.get("vector")));
    }
    if (o.has("at")) {
      r.at(integer(o.get("at"), "at"));
    }
    if (o.has("attrs")) {
      if (!(o.get("attrs") instanceof ObjectNode attrs)) {
        throw CommandError.err("attrs must be a JSON object");
      }
      MemCommands.eventAttributes(attrs).forEach(r::attribute);
    }
    return r;
  }

  private static String string(ObjectNode o, String field) {
    JsonNode v = o.get(field);
    if (v == null || !v.isTextual()) {
      throw CommandError.err(field + " must be a JSON string" + (v == null ? ", and is missing"
          : ", got " + CommandError.clip(v.toString())));
    }
    return (String) JsonValues.exactValue(v); // refuses half of a surrogate pair
  }

  private static long integer(JsonNode v, String field) {
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw CommandError.err(field + " must be an integer of 64 bits, got " + CommandError.clip(v.toString()));
    }
    return v.longValue();
  }

  private static float[] vector(JsonNode v) {
    if (!v.isArray() || v.isEmpty()) {
      throw CommandError.err("vector must be a non-empty JSON array of numbers");
    }
    float[] values = new float[v.size()];
    for (int i = 0; i < values.length; i++) {
      if (!v.get(i).isNumber()) {
        throw CommandError.err("vector must be a JSON array of numbers, got "
            + CommandError.clip(v.get(i).toString()) + " at " + i);
      }
      values[i] = v.get(i).floatValue(); // one beyond a float's range becomes infinite, which remember refuses
    }
    return values;
  }

  /** The event's links, to existing events by id or to the batch's by index; read once every event is. */
  private static void addLinks(ObjectNode o, List<Remember> batch, int index) {
    JsonNode links = o.get("links");
    if (links == null) {
      return;
    }
    int n = batch.size();
    if (!links.isArray()) {
      throw CommandError.err("links must be a JSON array of {\"type\": t, \"id\": n} or"
          + " {\"type\": t, \"index\": i}");
    }
    for (JsonNode l : links) {
      if (!(l instanceof ObjectNode link) || !link.has("type") || link.has("id") == link.has("index")
          || link.size() != 2) {
        throw CommandError.err("a link must be {\"type\": t, \"id\": n} (an existing event) or"
            + " {\"type\": t, \"index\": i} (the batch's event at index i), got " + CommandError.clip(l.toString()));
      }
      String type = string(link, "type");
      if (link.has("id")) {
        batch.get(index).link(type, integer(link.get("id"), "a link's id"));
        continue;
      }
      long to = integer(link.get("index"), "a link's index");
      if (to < 0 || to >= n) {
        throw CommandError.err("a link's index must name an event of the batch (0 to " + (n - 1) + "), got " + to);
      }
      batch.get(index).link(type, batch.get((int) to));
    }
  }
}
