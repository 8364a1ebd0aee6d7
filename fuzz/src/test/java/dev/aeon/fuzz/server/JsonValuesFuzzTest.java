package dev.aeon.fuzz.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aeon.common.io.Utf8Text;
import dev.aeon.server.command.CommandError;
import dev.aeon.server.command.JsonValues;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The JSON clients send (vector-set and event attributes, query parameters and WHERE values) on arbitrary text:
 * each reader either gives plain Java values or throws a {@link CommandError}, never another exception (a stack
 * overflow or a parser's own exception included). Event attributes are only strings, longs, finite doubles and
 * booleans; a command-line value read as JSON holds no infinite number and no unpaired surrogate, and one not
 * read as JSON is the text itself. Regression mode runs in the normal build; {@code JAZZER_FUZZ=1} fuzzes.
 */
class JsonValuesFuzzTest {

  @FuzzTest(maxDuration = "60s")
  @DictionaryEntries({"{", "}", "[", "]", "\"", "\":", ",", "\"a\":", "1e-400", "1e400", "-0.0", "4.9e-324",
      "18446744073709551616", "\\ud800", "\\udc00", "\\u0000", "true", "false", "null", "NaN", "Infinity", "0x1p3",
      "/*", "'"})
  void clientJsonOnlyEverThrowsCommandError(FuzzedDataProvider data) {
    check(data.consumeRemainingAsString());
  }

  @Test
  void edgeCases() {
    for (String text : List.of("", " ", "{", "}", "{}", "[]", "\"", "\"\\ud800\"", "[\"\\udc00\"]", "{\"a\":1e-400}",
        "{\"a\":1e400}", "{\"a\":18446744073709551616}", "{\"a\":1,\"a\":2}", "{\"a\":1} x", "[".repeat(2000),
        "{\"a\":".repeat(1100) + "1" + "}".repeat(1100), "[" + "1,".repeat(1000) + "1]", "-", "1e-400", "1e400",
        "0e-400", "-0", "\"a\"x", "true false", "9".repeat(1001), "[1e-400]", "[{\"a\":1e400}]", "\u0000",
        "[[null]]", "[{\"\\ud800\":1}]")) {
      check(text);
    }
  }

  private static void check(String text) {
    eventAttributes(text);
    vectorSetAttributes(text);
    storedAttributes(text);
    literal(text);
  }

  /** MEM.ADD's and MEM.SETATTR's ATTRS: only scalars the engine stores as they were given. */
  private static void eventAttributes(String text) {
    Map<String, Object> scalars;
    try {
      scalars = JsonValues.scalars(JsonValues.parseEventObject(text, "ATTRS"));
    } catch (CommandError refused) {
      return;
    }
    for (Object v : scalars.values()) {
      assertTrue(v instanceof String || v instanceof Long || v instanceof Boolean
          || v instanceof Double d && Double.isFinite(d), "an event attribute of " + v + " from " + text);
    }
  }

  /** VADD's SETATTR and VSETATTR: an object, kept as sent. */
  private static void vectorSetAttributes(String text) {
    try {
      JsonValues.toMap(JsonValues.parseObject(text, "SETATTR"));
    } catch (CommandError refused) {
      // refused, as a client is told
    }
  }

  /** Attributes read back for a FILTER, from what an earlier version may have stored. */
  private static void storedAttributes(String text) {
    try {
      ObjectNode obj = JsonValues.parseStoredObject(text);
      JsonValues.toMap(obj);
    } catch (CommandError refused) {
      // a FILTER treats such an element as one without attributes
    }
  }

  /** A query parameter or WHERE value: JSON when it reads whole as JSON, else the text. */
  private static void literal(String text) {
    Object v;
    try {
      v = JsonValues.literal(text, "a value");
    } catch (CommandError refused) {
      return;
    }
    if (v instanceof String s && s.equals(text)) {
      return; // the text itself, unpaired surrogates and all, as the client gave it
    }
    assertTrue(v != null, "null from " + text); // JSON's null is the text "null", as a WHERE value is
    checkValue(v, text);
  }

  private static void checkValue(Object v, String text) {
    switch (v) {
      case String s -> assertEquals(-1, Utf8Text.unpairedSurrogate(s), "a string with an unpaired surrogate from "
          + text);
      case Double d -> assertTrue(Double.isFinite(d), "the number " + d + " from " + text);
      case Long l -> { }
      case Boolean b -> { }
      case List<?> list -> list.forEach(e -> checkValue(e, text));
      // A map's names are not checked: a reply gives a map as JSON, where a lone surrogate stays escaped.
      case Map<?, ?> map -> map.values().forEach(e -> checkValue(e, text));
      case null -> { } // an element or field of JSON's null
      default -> fail("a value of " + v + " from " + text);
    }
  }
}
