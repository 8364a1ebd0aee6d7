package dev.aeon.server.mem;

import dev.aeon.engine.Event;
import dev.aeon.engine.Link;
import dev.aeon.server.resp.RespWriter;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** How engine values go on the wire: events and relationships as maps, query values by their Java type. */
final class Replies {

  /** Attributes kept for the vector-set commands, not shown with events (binary and redundant). */
  private static final String HIDDEN_ATTRIBUTE = "vset.vec";

  private Replies() {}

  /** An event as a map (a flat array in RESP2); with a score when it came from a recall. */
  static void event(RespWriter w, Event e, Float score) throws IOException {
    w.map(score == null ? 7 : 8);
    w.bulk("id").integer(e.id());
    w.bulk("session").bulk(e.session());
    w.bulk("role").bulk(e.role());
    w.bulk("timestamp").integer(e.timestampMicros());
    w.bulk("text").bulk(e.text());
    w.bulk("has_vector").bool(e.hasVector());
    w.bulk("attributes");
    Map<String, Object> attrs = e.attributes();
    int shown = attrs.containsKey(HIDDEN_ATTRIBUTE) ? attrs.size() - 1 : attrs.size();
    w.map(shown);
    for (Map.Entry<String, Object> a : attrs.entrySet()) {
      if (!a.getKey().equals(HIDDEN_ATTRIBUTE)) {
        w.bulk(a.getKey());
        value(w, a.getValue());
      }
    }
    if (score != null) {
      w.bulk("score").doubleValue(score);
    }
  }

  static void value(RespWriter w, Object v) throws IOException {
    switch (v) {
      case null -> w.nullValue();
      case String s -> w.bulk(s);
      case Long l -> w.integer(l);
      case Integer i -> w.integer(i);
      case Double d -> w.doubleValue(d);
      case Float f -> w.doubleValue(f);
      case Boolean b -> w.bool(b);
      case Event e -> event(w, e, null);
      case Link link -> {
        // as the query language reads a relationship: open ends are Long.MIN_VALUE and Long.MAX_VALUE
        w.map(5);
        w.bulk("type").bulk(link.type());
        w.bulk("from").integer(link.from());
        w.bulk("to").integer(link.to());
        w.bulk("valid_from").integer(link.validFromMicros());
        w.bulk("valid_to").integer(link.validToMicros());
      }
      case float[] vector -> {
        w.array(vector.length);
        for (float x : vector) {
          w.doubleValue(x);
        }
      }
      case List<?> list -> {
        w.array(list.size());
        for (Object o : list) {
          value(w, o);
        }
      }
      case Map<?, ?> map -> {
        w.map(map.size());
        for (Map.Entry<?, ?> en : map.entrySet()) {
          w.bulk(String.valueOf(en.getKey()));
          value(w, en.getValue());
        }
      }
      default -> w.bulk(v.toString());
    }
  }
}
