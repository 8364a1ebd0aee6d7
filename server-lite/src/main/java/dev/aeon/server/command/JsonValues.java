package dev.aeon.server.command;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aeon.common.JsonErrors;
import dev.aeon.common.NumberLiterals;
import dev.aeon.common.io.Utf8Text;
import dev.aeon.query.trace.Trace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * JSON given by clients (vector-set attributes, event attributes, query parameters) turned into the plain Java
 * values the engine takes: String, Long, Double, Boolean, List and Map.
 */
public final class JsonValues {

  /**
   * For what a client sends: a name given twice or anything after the value is an error, not a silent
   * choice of one of the two names or a value cut short.
   */
  private static final ObjectMapper STRICT = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();
  /** For attributes already stored, which earlier versions accepted without those two checks. */
  private static final ObjectMapper LENIENT = new ObjectMapper();

  private JsonValues() {}

  /**
   * The most bytes of attributes' JSON the server reads: many times what attributes that fit take (at most
   * {@link Trace#MAX_ATTRIBUTE_BYTES} encoded), escapes and white space included, so that only a mistake is refused,
   * saying so before the parser does in its own words (past 20,000,000 characters in one string, Jackson's "String
   * value length (20051429) exceeds the maximum allowed (20000000)").
   */
  public static final int MAX_ATTRIBUTES_JSON_BYTES = 1 << 20;

  /**
   * Parses a JSON object a client sent as attributes, the {@code argument} it names in an error (as "ATTRS"); fails
   * with a clear error for anything else. For a vector-set element's attributes, kept as the JSON sent (as in Redis).
   */
  public static ObjectNode parseObject(String json, String argument) {
    return parseObject(json, argument, false);
  }

  /**
   * {@link #parseObject(String, String)} for the attributes of an event, which are kept as values: a nonzero number
   * nearer to 0 than any double ({@code 1e-400}) is refused, as {@link #scalars} refuses the others that could only
   * be kept as another value.
   */
  public static ObjectNode parseEventObject(String json, String argument) {
    return parseObject(json, argument, true);
  }

  private static ObjectNode parseObject(String json, String argument, boolean exact) {
    if (json.length() > MAX_ATTRIBUTES_JSON_BYTES / 3) { // at most 3 bytes of UTF-8 per char
      int bytes = json.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > MAX_ATTRIBUTES_JSON_BYTES) {
        throw CommandError.err(argument + " takes " + bytes + " bytes, more than the " + MAX_ATTRIBUTES_JSON_BYTES
            + " bytes of JSON the server reads for an event's attributes (which take at most "
            + Trace.MAX_ATTRIBUTE_BYTES + " bytes encoded)");
      }
    }
    return parseObject(STRICT, json, exact, "attributes");
  }

  /**
   * Parses a JSON object a client sent as a whole argument (an event of MEM.ADDALL), strictly and exactly as
   * {@link #parseEventObject} parses attributes but for their size (the request's limits bound it); {@code what}
   * names it in an error. {@link #exactValue} reads its values.
   */
  public static ObjectNode parseArgumentObject(String json, String what) {
    return parseObject(STRICT, json, true, what);
  }

  /** A value of an object {@link #parseArgumentObject} read, as {@link #toJava} but refused as attributes are. */
  public static Object exactValue(JsonNode n) {
    return exact(n);
  }

  /** Parses stored JSON attributes. */
  public static ObjectNode parseStoredObject(String json) {
    return parseObject(LENIENT, json, false, "attributes");
  }

  private static ObjectNode parseObject(ObjectMapper mapper, String json, boolean exact, String what) {
    JsonNode node;
    try {
      node = exact ? readExactly(json) : mapper.readTree(json);
    } catch (NearerToZero e) {
      throw CommandError.err(e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw CommandError.err("invalid JSON: " + JsonErrors.reason(e.getOriginalMessage()));
    }
    if (!(node instanceof ObjectNode obj)) {
      throw CommandError.err(what + " must be a JSON object, got: " + CommandError.clip(json));
    }
    return obj;
  }

  /** The object's top-level fields as Java values (nested arrays and objects included). */
  public static Map<String, Object> toMap(ObjectNode obj) {
    Map<String, Object> m = new LinkedHashMap<>();
    obj.properties().forEach(e -> m.put(e.getKey(), toJava(e.getValue())));
    return m;
  }

  /**
   * Only the fields holding a string, number or boolean: what an event attribute may hold. A number must
   * keep its value as a Long or a finite Double ({@link #exactScalar}).
   */
  public static Map<String, Object> scalars(ObjectNode obj) {
    Map<String, Object> m = new LinkedHashMap<>();
    obj.properties().forEach(e -> {
      if (e.getValue().isValueNode() && !e.getValue().isNull()) {
        m.put(e.getKey(), exactScalar(e.getValue()));
      }
    });
    return m;
  }

  /**
   * A value node as Java, refusing the two numbers the engine could only store as something else: an integer
   * beyond 64 bits (it would become an approximate Double) and one beyond a Double's range (infinity).
   */
  private static Object exactScalar(JsonNode n) {
    if (n.isIntegralNumber() && !n.canConvertToLong()) {
      throw CommandError.err("the integer " + CommandError.clip(n.asText())
          + " does not fit in 64 bits (give it as a string)");
    }
    Object value = toJava(n);
    if (value instanceof Double d && !Double.isFinite(d)) {
      throw CommandError.err("a number is beyond the range of a double (it would be " + d + ")");
    }
    return value;
  }

  /**
   * {@link #toJava}, with every number in it, at any depth, refused as {@link #exactScalar} refuses one, and every
   * string holding half of a surrogate pair alone ({@code "\\ud800"} is JSON, but not text: a reply in UTF-8 would
   * carry it as '?').
   */
  private static Object exact(JsonNode n) {
    if (n.isTextual()) {
      String s = n.textValue();
      int i = Utf8Text.unpairedSurrogate(s);
      if (i >= 0) {
        throw CommandError.err("a JSON string holds an unpaired surrogate \\u"
            + Integer.toHexString(s.charAt(i)).toUpperCase(Locale.ROOT)
            + ": a character beyond U+FFFF is escaped as a pair, as \\uD83D\\uDE00");
      }
    }
    if (n.isArray()) {
      List<Object> list = new ArrayList<>();
      n.forEach(e -> list.add(exact(e)));
      return list;
    }
    if (n instanceof ObjectNode obj) {
      Map<String, Object> m = new LinkedHashMap<>();
      obj.properties().forEach(e -> m.put(e.getKey(), exact(e.getValue())));
      return m;
    }
    return exactScalar(n);
  }

  /**
   * A command-line value: JSON if it parses whole as a JSON number, boolean, quoted string or array, otherwise the
   * text itself. So {@code 42} is a Long, {@code 4.5} a Double, {@code "42"} the string 42, {@code Lisbon} a string.
   * JSON past the parser's limits (a number of more than 1,000 digits, a string of more than 20,000,000 characters)
   * is refused, naming {@code what}: it is not the text that a client would mean either.
   */
  public static Object literal(String text, String what) {
    if (text.isEmpty()) {
      return text;
    }
    char c = text.charAt(0);
    if (c == '"' || c == '[' || c == '-' || (c >= '0' && c <= '9') || text.equals("true") || text.equals("false")) {
      JsonNode n;
      try {
        n = readExactly(text);
      } catch (NearerToZero e) {
        throw CommandError.err(e.getOriginalMessage()); // a number, not the text: 1e-400 is not meant as a string
      } catch (StreamConstraintsException e) {
        throw CommandError.err(what + " is too large to read as JSON: " + JsonErrors.reason(e.getOriginalMessage()));
      } catch (JsonProcessingException e) {
        return text; // not JSON: the plain text
      }
      if (n != null && !n.isObject() && !n.isNull()) {
        return exact(n);
      }
    }
    return text;
  }

  /**
   * {@code json} read with {@link #STRICT}, through a parser that refuses a nonzero number nearer to 0 than any double
   * ({@code 1e-400}): Jackson reads it as 0.0 (or -0.0) without a word, and its tree no longer tells it from 0, as it
   * still tells the integers beyond 64 bits and the infinities {@link #exactScalar} refuses. A number only rounded
   * to a double ({@code 0.1}, the subnormal {@code 4.9e-324}) is read as before. Null for no JSON at all.
   */
  private static JsonNode readExactly(String json) throws JsonProcessingException {
    try (JsonParser p = new NonzeroNumbers(STRICT.createParser(json))) {
      return STRICT.readTree(p);
    } catch (JsonProcessingException e) {
      throw e;
    } catch (IOException e) {
      throw new IllegalStateException("reading a string cannot fail so", e); // a parser over a String does no I/O
    }
  }

  private static final class NonzeroNumbers extends JsonParserDelegate {

    NonzeroNumbers(JsonParser p) {
      super(p);
    }

    @Override
    public JsonToken nextToken() throws IOException {
      JsonToken t = super.nextToken();
      if (t == JsonToken.VALUE_NUMBER_FLOAT && NumberLiterals.underflows(getText(), getDoubleValue())) {
        throw new NearerToZero(this, "the number " + CommandError.clip(getText())
            + " is nearer to 0 than any double (it would be " + getDoubleValue() + ")");
      }
      return t;
    }
  }

  private static final class NearerToZero extends JsonParseException {
    NearerToZero(JsonParser p, String message) {
      super(p, message);
    }
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
      return LENIENT.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON of " + value, e);
    }
  }
}
