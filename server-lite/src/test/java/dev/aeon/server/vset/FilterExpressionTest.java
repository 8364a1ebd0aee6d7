package dev.aeon.server.vset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.server.command.CommandError;
import java.util.HashMap;
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
    assertFalse(m(".genre > 3"));
    assertFalse(m("not (.genre > 3)"));
    assertFalse(m(".genre + 1 == 2"));
    assertFalse(FilterExpression.parse(".year > 0").matches(null));
  }

  /**
   * As in Redis (expr.c's exprRun returns false as soon as a selector is not found), an element lacking an
   * attribute the expression reads does not match, whatever the rest of the expression: {@code .missing or
   * .price == 1} used to match every element whose price was 1.
   */
  @Test
  void aMissingAttributeMakesTheWholeExpressionFalse() {
    assertFalse(m(".missing == 1 or .year == 1982"));
    assertFalse(m(".missing or .rating > 0"));
    assertFalse(m(".nosuch > 0 or .year > 0"));
    assertFalse(m(".year > 0 or .missing"), "evaluating 'or' from the left does not skip the check");
    assertFalse(m("not .missing"));
    Map<String, Object> withNull = new HashMap<>(MOVIE);
    withNull.put("sequel", null);
    withNull.put("studio", Map.of("name", "Ladd"));
    assertTrue(FilterExpression.parse(".year == 1982").matches(withNull));
    assertFalse(FilterExpression.parse(".sequel == 1 or .year == 1982").matches(withNull));
    assertFalse(FilterExpression.parse(".studio or .year == 1982").matches(withNull));
  }

  /** Redis reads a string as a number where it meets one, and yields 1 or 0 from comparisons and logic. */
  @Test
  void stringsThatAreNumbersCompareAsNumbers() {
    assertTrue(m(".year == \"1982\""));
    assertFalse(m(".year != \"1982\""));
    assertTrue(m("\"1982.0\" == .year"));
    assertTrue(m(".year > \"1e3\""));
    assertTrue(m(".year + \"1\" == 1983"));
    assertTrue(m("\"1982\" in [1982, 2049]"));
    assertFalse(m(".genre == 0"), "a string that is not a number equals no number (Redis reads it as 0)");
    assertTrue(m(".genre != 3"));
    assertTrue(m("(.year > 1) == true"));
    assertTrue(m("(.year > 1) + (.classic and 1) == 2"));
    assertTrue(m("not .classic == false"));
    assertTrue(m("\"rain\" in .tags"));
    assertTrue(m("\"Runner\" in .title"), "in tests a substring, as Redis does since redis/redis#14122");
    assertFalse(m("\"1\" in .year"));
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
   * A nonzero number nearer to 0 than any double would be 0 ({@code .a > 1e-400} would take 0 for more than it),
   * so it is refused, as everywhere else; one only rounded ({@code 4.9e-324}) and 0 written so are taken.
   */
  @Test
  void aNumberNearerToZeroThanAnyDoubleIsRefused() {
    CommandError e = assertThrows(CommandError.class, () -> FilterExpression.parse(".a > 1e-400"));
    assertEquals("ERR syntax error in FILTER expression at position 6: the number 1e-400 is nearer to 0 than any"
        + " double (it would be 0.0)", e.getMessage());
    assertTrue(FilterExpression.parse(".a > 4.9e-324").matches(Map.of("a", 1.0)));
    assertTrue(FilterExpression.parse(".a == 0e-400").matches(Map.of("a", 0L)));
  }

  /**
   * "Nested at most 64 deep" counts parentheses, brackets and unary operators: the parser used to add one per
   * precedence level, so 7 parentheses or 60 {@code not}s were refused as nested deeper than 64. The deepest
   * accepted expression of each kind is parsed and evaluated on a thread with half the default stack of 1 MiB
   * (the server's command threads have the default, its client threads may grow to it), and one more level is
   * refused.
   */
  @Test
  void nestingCountsParenthesesBracketsAndUnaryOperators() throws Exception {
    runOnSmallStack(() -> {
      assertTrue(m("(".repeat(7) + "1" + ")".repeat(7)));
      assertTrue(m("(".repeat(64) + ".year == 1982" + ")".repeat(64)));
      assertTrue(m("not ".repeat(60) + "1"));
      assertTrue(m("!".repeat(64) + "1"));
      assertTrue(m("-(".repeat(32) + "-1" + ")".repeat(32) + " == -1"));
      assertTrue(m("[".repeat(64) + "1" + "]".repeat(64)));
      assertTrue(m("(".repeat(63) + "not 0" + ")".repeat(63)));
      assertTrue(m("(".repeat(64) + "1" + " ** 1".repeat(FilterExpression.MAX_OPERATORS) + ")".repeat(64)),
          "a chain of ** nests to the right, but is bounded by the operators");
      assertTrue(m("(".repeat(64) + chain(FilterExpression.MAX_OPERATORS) + ")".repeat(64)));

      CommandError e = assertThrows(CommandError.class,
          () -> FilterExpression.parse("(".repeat(65) + "1" + ")".repeat(65)));
      assertEquals("ERR syntax error in FILTER expression at position 65: expression nested deeper than 64",
          e.getMessage());
      e = assertThrows(CommandError.class, () -> FilterExpression.parse("not ".repeat(65) + "1"));
      assertEquals("ERR syntax error in FILTER expression at position 257: expression nested deeper than 64",
          e.getMessage());
      assertThrows(CommandError.class, () -> FilterExpression.parse("[".repeat(65) + "1" + "]".repeat(65)));
      assertThrows(CommandError.class, () -> FilterExpression.parse("(".repeat(64) + "- 1" + ")".repeat(64)));
      assertThrows(CommandError.class, () -> FilterExpression.parse("(".repeat(64) + "not 1" + ")".repeat(64)));
    });
  }

  private static void runOnSmallStack(Runnable body) throws Exception {
    Throwable[] failure = new Throwable[1];
    Thread t = new Thread(null, () -> {
      try {
        body.run();
      } catch (Throwable e) {
        failure[0] = e;
      }
    }, "small-stack", 512 * 1024);
    t.start();
    t.join();
    if (failure[0] instanceof Error e) {
      throw e;
    } else if (failure[0] instanceof Exception e) {
      throw e;
    }
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
