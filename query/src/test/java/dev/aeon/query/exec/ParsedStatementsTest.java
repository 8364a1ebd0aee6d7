package dev.aeon.query.exec;

import static org.junit.jupiter.api.Assertions.*;

import dev.aeon.query.lang.QueryException;
import dev.aeon.query.lang.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
  void theStatementUsedLeastRecentlyMakesRoom() {
    Statement kept = parsed.parse("RETURN 'used all along'");
    for (int i = 0; i < 10 * ParsedStatements.CAPACITY; i++) {
      parsed.parse("RETURN " + i);
      assertSame(kept, parsed.parse("RETURN 'used all along'"), "dropped after " + i + " other statements");
    }
    Statement old = parsed.parse("RETURN 0");
    for (int i = 1; i <= ParsedStatements.CAPACITY; i++) {
      parsed.parse("RETURN 'new' + " + i);
    }
    assertNotSame(old, parsed.parse("RETURN 0"), "the least recently used was kept");
  }

  @Test
  void theStatementsKeptAreBounded() {
    for (int i = 0; i < 3 * ParsedStatements.CAPACITY; i++) {
      parsed.parse("RETURN " + i);
      assertTrue(parsed.size() <= ParsedStatements.CAPACITY);
    }
    Statement newest = parsed.parse("RETURN " + (3 * ParsedStatements.CAPACITY - 1));
    assertSame(newest, parsed.parse("RETURN " + (3 * ParsedStatements.CAPACITY - 1)));
    // statements of 4,000 characters: at most 65 of them (256 KiB), fewer than 256
    for (int i = 0; i < 200; i++) {
      parsed.parse("RETURN " + i + " + size('" + "x".repeat(3980) + "')");
      assertTrue(parsed.keptChars() <= ParsedStatements.MAX_KEPT_CHARS, "kept " + parsed.keptChars());
    }
    assertTrue(parsed.size() <= ParsedStatements.MAX_KEPT_CHARS / 3990, "kept " + parsed.size());
    String longest = "RETURN '" + "x".repeat(ParsedStatements.MAX_KEPT_LENGTH) + "'";
    assertNotSame(parsed.parse(longest), parsed.parse(longest));
  }

  /** Threads parsing more statements than are kept, the same ones at once: each gets its own, the count stays true. */
  @Test
  void concurrentParsesKeepTheCacheConsistent() throws Exception {
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long seed = t;
        done.add(pool.submit(() -> {
          Random random = new Random(seed);
          for (int i = 0; i < 20_000; i++) {
            String text = "MATCH (e {id: $id}) RETURN e.text, " + random.nextInt(2 * ParsedStatements.CAPACITY);
            assertEquals(text, parsed.parse(text).source());
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(parsed.size() <= ParsedStatements.CAPACITY + threads, "kept " + parsed.size());
    assertEquals(parsed.keptChars(), parsed.keptTexts().stream().mapToLong(String::length).sum());
  }
}
