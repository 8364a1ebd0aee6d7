package dev.aeon.query.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * Inputs on which the Jazzer fuzz test of the language (module fuzz, QueryParserFuzzTest) found an
 * exception other than {@link QueryException}; each must now fail, or parse, cleanly.
 */
class FuzzFindingsTest {

  private static QueryException fails(String src) {
    return assertThrows(QueryException.class, () -> Parser.parse(src));
  }

  @Test
  void nonAsciiDigitsInANumber() {
    // Character.isDigit accepted ARABIC-INDIC DIGIT THREE, which Double.parseDouble then rejected
    assertEquals("unexpected 'e' after number", fails("1e\u06f309").reason());
    assertEquals("unexpected character '\u06f3'", fails("MATCH (e) RETURN 12\u06f3").reason());
    assertEquals("unexpected 'e' after number", fails("MATCH (e) RETURN 1.5e\u0663").reason());
  }
}
