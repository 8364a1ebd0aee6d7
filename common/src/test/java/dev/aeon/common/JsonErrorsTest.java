package dev.aeon.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Jackson 2's messages, as its parser words them, without the Java names they carry. */
class JsonErrorsTest {

  @Test
  void javaNamesAreLeftOutAndTheRestKept() {
    assertEquals("Document nesting depth (1001) exceeds the maximum allowed (1000)", JsonErrors.reason(
        "Document nesting depth (1001) exceeds the maximum allowed (1000, from"
            + " `StreamReadConstraints.getMaxNestingDepth()`)"));
    assertEquals("Trailing token (of type START_OBJECT) found after value", JsonErrors.reason(
        "Trailing token (of type START_OBJECT) found after value (bound as `com.fasterxml.jackson.databind.JsonNode`):"
            + " not allowed as per `DeserializationFeature.FAIL_ON_TRAILING_TOKENS`"));
    assertEquals("Duplicate field 'a'", JsonErrors.reason("Duplicate field 'a'"));
    assertEquals("Non-standard token 'NaN': not standard JSON", JsonErrors.reason(
        "Non-standard token 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow"));
    assertEquals("not standard JSON (ALLOW_COMMENTS)",
        JsonErrors.reason("Feature 'ALLOW_COMMENTS' not enabled for parser"));
    assertEquals("Unexpected end-of-input: expected close marker for Object", JsonErrors.reason(
        "Unexpected end-of-input: expected close marker for Object (start marker at [Source: REDACTED; line: 1,"
            + " column: 1])"));
    assertEquals("Unexpected character ('b' (code 98)): was expecting double-quote to start field name",
        JsonErrors.reason("Unexpected character ('b' (code 98)): was expecting double-quote to start field name"));
  }
}
