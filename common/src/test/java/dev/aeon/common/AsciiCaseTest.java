package dev.aeon.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Keywords' case as Redis compares it: ASCII letters change case, every other character stays as it is. */
class AsciiCaseTest {

  @Test
  void onlyAsciiLettersChangeCase() {
    assertEquals("WITHSCORES", AsciiCase.upper("withScores"));
    assertEquals("keys", AsciiCase.lower("KeYs"));
    // Java folds these to ASCII letters (long s to S, Kelvin sign to k, dotless i to I); Redis does not
    assertEquals("VALUE\u017F", AsciiCase.upper("value\u017F"));
    assertEquals("\u212Aeys", AsciiCase.lower("\u212AEYS"));
    assertEquals("P\u0131NG", AsciiCase.upper("p\u0131ng"));
    assertEquals("STRASSE-\u00DF-\u00E9", AsciiCase.upper("strasse-\u00DF-\u00E9"), "no letter grows into two");
    assertEquals("\u00C9t\u00C9", AsciiCase.lower("\u00C9T\u00C9"));
    assertEquals("[@`{]", AsciiCase.upper("[@`{]"), "the neighbours of the letters stay");
    assertEquals("[@`{]", AsciiCase.lower("[@`{]"));
  }

  @Test
  void equalIgnoringTheCaseOfAsciiLettersOnly() {
    assertTrue(AsciiCase.equalsIgnoreCase("values", "VALUES"));
    assertFalse(AsciiCase.equalsIgnoreCase("VALUE\u017F", "VALUES"));
    assertFalse(AsciiCase.equalsIgnoreCase("\u212AEYS", "keys"));
    assertFalse(AsciiCase.equalsIgnoreCase("VALUE", "VALUES"));
  }
}
