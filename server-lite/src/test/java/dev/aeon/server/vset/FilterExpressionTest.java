package dev.aeon.server.vset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.server.command.CommandError;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FilterExpressionTest {

  private static final Map<String, Object> MOVIE = Map.of("year", 1982L, "rating", 8.1, "genre", "noir",
      "tags", List.of("rain", "replicants"), "classic", true, "title", "Blade Runner");

  private static boolean m(String expr) {
    return FilterExpression.parse(expr).matches(MOVIE);
  }

  @Test
  void comparisonsLogicAndArithmetic() {
    assertTrue(m(".year > 1980"));
    assertFalse(m(".year > 1982"));
    assertTrue(m(".year >= 1982 and .rating < 9"));
    assertTrue(m(".year < 1900 or .genre == \"noir\""));
    assertTrue(m(".year < 1900 || .genre == 'noir'"));
    assertFalse(m("not .classic"));
    assertTrue(m("!(.year == 1983)"));
    assertTrue(m(".classic == true"));
    assertTrue(m(".year % 2 == 0 && .year / 2 == 991"));
    assertTrue(m("2 ** 3 ** 2 == 512")); // right-associative
    assertTrue(m("1 + 2 * 3 == 7"));
    assertTrue(m("(1 + 2) * 3 == 9"));
    assertTrue(m("-.rating < -8"));
    assertTrue(m(".year - 2 == 1980"));
    assertTrue(m(".year-2 == 1980"));
    assertTrue(m(".genre in [\"drama\", \"noir\"]"));
    assertFalse(m(".genre in [\"drama\"]"));
    assertTrue(m("\"rain\" in .tags"));
    assertTrue(m("\"Runner\" in .title"));
    assertTrue(m(".title >= \"B\""));
    assertTrue(m("1e3 < .year"));
  }

  @Test
  void missingAttributesAndMixedTypesNeverMatch() {
    assertFalse(m(".missing == 1"));
    assertFalse(m(".missing != 1"));
    assertFalse(m("not (.missing == 1)"));
    assertTrue(m(".missing == 1 or .year == 1982"));
    assertFalse(m(".genre > 3"));
    assertFalse(m(".genre + 1 == 2"));
    assertFalse(FilterExpression.parse(".year > 0").matches(null));
  }

  @Test
  void syntaxErrorsNameThePosition() {
    CommandError e = assertThrows(CommandError.class, () -> FilterExpression.parse(".year > "));
    assertEquals("ERR syntax error in FILTER expression at position 9: unexpected end of expression", e.getMessage());
    e = assertThrows(CommandError.class, () -> FilterExpression.parse(".year > 1 )"));
    assertTrue(e.getMessage().contains("position 11: unexpected ')'"), e.getMessage());
    assertThrows(CommandError.class, () -> FilterExpression.parse("\"open"));
    assertThrows(CommandError.class, () -> FilterExpression.parse(". == 1"));
    assertThrows(CommandError.class, () -> FilterExpression.parse("[1, 2"));
    assertThrows(CommandError.class, () -> FilterExpression.parse("(".repeat(10_000)));
    assertThrows(CommandError.class, () -> FilterExpression.parse("!".repeat(10_000) + "1"));
  }

  /**
   * A flat chain of operators is not nested but makes a tree as deep as it is long: 8,000 terms overflowed the
   * stack of the client's thread when evaluated, which closed the connection without a reply.
   */
  @Test
  void longChainsOfOperatorsAreRefusedAtTheLimit() {
    assertTrue(m(chain(FilterExpression.MAX_OPERATORS)), "500 operators are allowed");
    CommandError limit = assertThrows(CommandError.class, () -> FilterExpression.parse(chain(501)));
    assertTrue(limit.getMessage().contains("more than 500 operators"), limit.getMessage());
    CommandError e = assertThrows(CommandError.class, () -> FilterExpression.parse(chain(8_000)));
    assertTrue(e.getMessage().contains("more than 500 operators"), e.getMessage());
    assertThrows(CommandError.class, () -> FilterExpression.parse("1" + " + 1".repeat(20_000)));
    assertThrows(CommandError.class, () -> FilterExpression.parse("2" + " ** 2".repeat(20_000)));
  }

  /** {@code .year == 1982 or 0 or 0 ...}: true for {@link #MOVIE}, with exactly {@code operators} operators. */
  private static String chain(int operators) {
    return ".year == 1982" + " or 0".repeat(operators - 1);
  }
}
