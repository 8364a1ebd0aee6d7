package dev.aeon.query.exec;

import static org.junit.jupiter.api.Assertions.*;

import dev.aeon.query.lang.QueryException;
import dev.aeon.query.lang.Statement;
import org.junit.jupiter.api.Test;

class ParsedStatementsTest {

  private final ParsedStatements parsed = new ParsedStatements();

  @Test
  void aStatementRunAgainIsNotParsedAgain() {
    Statement first = parsed.parse("MATCH (e {session: $s}) RETURN e.text");
    assertSame(first, parsed.parse("MATCH (e {session: $s}) RETURN e.text"));
    assertNotSame(first, parsed.parse("MATCH (e {session: $s}) RETURN e.id"));
    assertEquals("MATCH (e {session: $s}) RETURN e.text", first.source());
  }

  @Test
  void aStatementThatFailsToParseFailsEveryTime() {
    for (int i = 0; i < 3; i++) {
      assertThrows(QueryException.class, () -> parsed.parse("MATCH (e RETURN e"));
    }
    assertEquals(0, parsed.size());
    assertThrows(QueryException.class, () -> parsed.parse(null));
  }

  @Test
  void theStatementsKeptAreBounded() {
    for (int i = 0; i < 3 * ParsedStatements.CAPACITY; i++) {
      parsed.parse("RETURN " + i);
      assertTrue(parsed.size() <= ParsedStatements.CAPACITY);
    }
    Statement newest = parsed.parse("RETURN " + (3 * ParsedStatements.CAPACITY - 1));
    assertSame(newest, parsed.parse("RETURN " + (3 * ParsedStatements.CAPACITY - 1)));
    String longest = "RETURN '" + "x".repeat(ParsedStatements.MAX_KEPT_LENGTH) + "'";
    assertNotSame(parsed.parse(longest), parsed.parse(longest));
  }
}
