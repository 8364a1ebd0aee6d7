package dev.aeon.fuzz.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.aeon.server.command.CommandError;
import dev.aeon.server.vset.FilterExpression;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * VSIM's FILTER expressions on arbitrary text, as a client may send them: parsing either yields an expression
 * or throws a {@link CommandError} naming a position, never another exception (a stack overflow included);
 * an expression that parses is evaluated against elements with attributes of every JSON type, missing ones
 * included, and only answers. Regression mode runs in the normal build; {@code JAZZER_FUZZ=1} fuzzes.
 */
class FilterExpressionFuzzTest {

  private static final List<Map<String, Object>> ELEMENTS = elements();

  @FuzzTest(maxDuration = "60s")
  @DictionaryEntries({".year", ".genre", ".tags", ".price", ".none", "==", "!=", ">=", "<", "**", "%", " and ",
      " or ", "not ", "!", " in ", "[", "]", "(", ")", "\"drama\"", "'3'", "true", "false", "1e309", "-", "&&", "||"})
  void arbitraryTextOnlyEverThrowsCommandError(FuzzedDataProvider data) {
    check(data.consumeRemainingAsString());
  }

  @Test
  void edgeCases() {
    for (String text : List.of("", " ", "(", ")", "[", "]", ".", "..a", ".a.b", "1 ** 2 ** 3 ** 4", "'unterminated",
        "\"\\", "1e309 > 1", "-" + "-".repeat(70) + "1", "!".repeat(64) + "1", "!".repeat(65) + "1",
        "(".repeat(64) + "1" + ")".repeat(64), "(".repeat(65) + "1" + ")".repeat(65), "[".repeat(64) + "]".repeat(64),
        "1" + " ** 1".repeat(500), "1" + " + 1".repeat(501), ".year in .tags", "'a' in .genre", ".none or 1",
        "not .none", ".price == '3'", ".price / 0 > 1", "\u0000", "\uD800")) {
      check(text);
    }
    assertThrows(CommandError.class, () -> FilterExpression.parse("(".repeat(65) + "1" + ")".repeat(65)));
  }

  /** Parses {@code text}; if it parses, evaluates it against every element: only answers or CommandError. */
  private static void check(String text) {
    FilterExpression filter;
    try {
      filter = FilterExpression.parse(text);
    } catch (CommandError e) {
      assertTrue(e.getMessage().contains("syntax error in FILTER expression at position "), e.getMessage());
      return;
    }
    assertFalse(filter.matches(null), "an element without attributes matched " + text);
    for (Map<String, Object> attributes : ELEMENTS) {
      filter.matches(attributes);
    }
  }

  /** Attributes as the JSON parser gives them: numbers, strings, booleans, lists, objects and nulls. */
  private static List<Map<String, Object>> elements() {
    Map<String, Object> withNulls = new HashMap<>();
    withNulls.put("year", null);
    withNulls.put("genre", "noir");
    return List.of(Map.of(),
        Map.of("year", 1980L, "genre", "drama", "price", 3.5, "tags", List.of("a", 1L, true)),
        Map.of("year", "1980", "genre", "", "price", "3", "tags", List.of(), "none", false),
        Map.of("year", Double.NaN, "genre", List.of(List.of("x")), "price", Long.MIN_VALUE, "tags", Map.of("k", 1L)),
        Map.of("year", Double.POSITIVE_INFINITY, "genre", "1e309", "price", -0.0, "tags", Arrays.asList("b", 2.0)),
        withNulls);
  }
}
