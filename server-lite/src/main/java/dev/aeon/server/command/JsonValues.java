package dev.aeon.server.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON given by clients (vector-set attributes, event attributes, query parameters) turned into the plain Java
 * values the engine takes: String, Long, Double, Boolean, List and Map.
 */
public final class JsonValues {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonValues() {}

  /** Parses a JSON object; fails with a clear error for anything else. */
  public static ObjectNode parseObject(String json) {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw CommandError.err("invalid JSON: " + e.getOriginalMessage());
    }
    if (!(node instanceof ObjectNode obj)) {
      throw CommandError.err("attributes must be a JSON object, got: " + clip(json));
    }
    return obj;
  }

  /** The object's top-level fields as Java values (nested arrays and objects included). */
  public static Map<String, Object> toMap(ObjectNode obj) {
    Map<String, Object> m = new LinkedHashMap<>();
    obj.properties().forEach(e -> m.put(e.getKey(), toJava(e.getValue())));
    return m;
  }

  /** Only the fields holding a string, number or boolean: what an event attribute may hold. */
  public static Map<String, Object> scalars(ObjectNode obj) {
    Map<String, Object> m = new LinkedHashMap<>();
    obj.properties().forEach(e -> {
      if (e.getValue().isValueNode() && !e.getValue().isNull()) {
        m.put(e.getKey(), toJava(e.getValue()));
      }
    });
    return m;
  }

  /**
   * A command-line value: JSON if it parses as a JSON number, boolean, quoted string or array, otherwise the
   * text itself. So {@code 42} is a Long, {@code 4.5} a Double, {@code "42"} the string 42, {@code Lisbon} a string.
   */
  public static Object literal(String text) {
    if (text.isEmpty()) {
      return text;
    }
    char c = text.charAt(0);
    if (c == '"' || c == '[' || c == '-' || (c >= '0' && c <= '9') || text.equals("true") || text.equals("false")) {
      try {
        JsonNode n = MAPPER.readTree(text);
        if (n != null && !n.isObject() && !n.isNull()) {
          return toJava(n);
        }
      } catch (JsonProcessingException e) {
        // not JSON: the plain text
      }
    }
    return text;
  }

  public static Object toJava(JsonNode n) {
    if (n.isTextual()) {
      return n.textValue();
    }
    if (n.isIntegralNumber() && n.canConvertToLong()) {
      return n.longValue();
    }
    if (n.isNumber()) {
      return n.doubleValue();
    }
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    if (n.isArray()) {
      List<Object> list = new ArrayList<>();
      n.forEach(e -> list.add(toJava(e)));
      return list;
    }
    if (n instanceof ObjectNode obj) {
      return toMap(obj);
    }
    return null;
  }

  public static String toJson(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON of " + value, e);
    }
  }

  private static String clip(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
