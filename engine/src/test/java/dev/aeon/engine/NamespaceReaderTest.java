package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Aeon#reader}: a namespace that does not exist reads as an empty one, and reading it creates nothing. */
class NamespaceReaderTest {

  private static final List<String> STATEMENTS = List.of(
      "MATCH (e) RETURN e.text",
      "MATCH (e) RETURN count(e)",
      "MATCH (u:user)-[:NEXT]->(a) WHERE u.text CONTAINS $word RETURN a.text, u.session",
      "CALL recall($q, 3) YIELD event, score RETURN event.text, score",
      "EXPLAIN MATCH (e) WHERE e.session = 's' RETURN e");

  @TempDir Path dir;

  @Test
  void anAbsentNamespaceAnswersAsAnEmptyOneAndIsNotCreated() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory empty = aeon.namespace("made-empty"); // a real namespace, never written: what the reader must match
      Memory absent = aeon.reader("never-written");
      assertFalse(aeon.exists("never-written"));
      assertEquals("never-written", absent.name());

      Map<String, Object> params = Map.of("word", "Lisbon", "q", TestVectors.unit(3));
      for (String statement : STATEMENTS) {
        assertEquals(rows(empty.query(statement, params)), rows(absent.query(statement, params)), statement);
      }
      assertSameFailure(m -> m.query("MATCH (e RETURN e", Map.of()), empty, absent);
      assertSameFailure(m -> m.query("MATCH (e) RETURN $missing", Map.of()), empty, absent);

      Recall recall = Recall.vector(TestVectors.unit(1), 5).session("s");
      assertEquals(empty.recall(recall), absent.recall(recall));
      assertSameFailure(m -> m.recall(Recall.vector(new float[] {Float.NaN, 1}, 5)), empty, absent);
      assertEquals(List.of(), absent.history("s", 10));
      assertSameFailure(m -> m.history("s", -1), empty, absent);
      assertSameFailure(m -> m.history(null, 1), empty, absent);
      assertEquals("session", assertThrows(NullPointerException.class, () -> absent.history(null, 1)).getMessage());
      assertEquals(Optional.empty(), absent.get(1));

      MemoryStats stats = absent.stats();
      assertEquals(0, stats.events());
      assertEquals(0, stats.walBytes());
      assertEquals(null, stats.embeddingModel());

      assertFalse(absent.forget(1));
      assertEquals(0, absent.forgetSession("s"));
      absent.checkpoint();
      absent.compact();
      IllegalArgumentException noEvent = assertThrows(IllegalArgumentException.class,
          () -> absent.link(1, "NEXT", 2, 0, Long.MAX_VALUE));
      assertEquals(message(() -> empty.link(1, "NEXT", 2, 0, Long.MAX_VALUE)).replace("made-empty", "never-written"),
          noEvent.getMessage());
      assertThrows(IllegalArgumentException.class, () -> absent.invalidate(1, "NEXT", 2, 5));
      assertThrows(IllegalArgumentException.class, () -> absent.setAttributes(1, Map.of("k", "v")));
      IllegalStateException refused = assertThrows(IllegalStateException.class,
          () -> absent.remember(Remember.event("s", "user", "hello")));
      assertTrue(refused.getMessage().contains("Aeon.namespace(\"never-written\")"), refused.getMessage());

      assertThrows(IllegalArgumentException.class, () -> aeon.check("never-written"));
      assertFalse(aeon.exists("never-written"), "reading or checking created it");
      assertFalse(Files.exists(dir.resolve("ns").resolve("never-written")));
      assertEquals(List.of("made-empty"), aeon.namespaceNames());
      assertThrows(IllegalArgumentException.class, () -> aeon.reader("no/paths"));
    }
    assertTrue(Files.exists(dir.resolve("tmp")));
    assertEquals(List.of(), list(dir.resolve("tmp")), "the empty namespace behind the readers is deleted at close");
  }

  @Test
  void anExistingNamespaceIsReadAsItIs() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      long id = aeon.namespace("agent").remember(Remember.event("s", "user", "I moved to Lisbon")
          .vector(TestVectors.unit(1)));
      Memory reader = aeon.reader("agent");
      assertEquals("I moved to Lisbon", reader.get(id).orElseThrow().text());
      assertEquals(1, reader.stats().events());
      assertEquals(1, reader.recall(Recall.vector(TestVectors.unit(1), 3)).size());
    }
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      assertTrue(aeon.exists("agent"), "on disk, not open yet");
      assertEquals(1, aeon.reader("agent").history("s", 10).size());
    }
  }

  @Test
  void aReaderOfAClosedAeonSaysSo() {
    Memory absent;
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      absent = aeon.reader("never-written");
    }
    // the calls a stand-in answers without the empty namespace answered too: zero counts, nothing forgotten
    List<Runnable> calls = List.of(() -> absent.history("s", 1), absent::stats, () -> absent.forget(1),
        () -> absent.forgetSession("s"), absent::checkpoint, absent::compact,
        () -> absent.setAttributes(1, java.util.Map.of("a", 1)), () -> absent.remember(Remember.event("s", "u", "t")));
    for (Runnable call : calls) {
      IllegalStateException e = assertThrows(IllegalStateException.class, call::run);
      assertEquals("this Aeon is closed", e.getMessage());
    }
  }

  private static List<Object> rows(QueryResult r) {
    return List.of(r.columns(), r.rows());
  }

  /** Both fail the same way: the same exception type and message. */
  private static void assertSameFailure(Function<Memory, ?> call, Memory expected, Memory actual) {
    RuntimeException want = assertThrows(RuntimeException.class, () -> call.apply(expected));
    RuntimeException got = assertThrows(RuntimeException.class, () -> call.apply(actual));
    assertEquals(want.getClass(), got.getClass());
    assertEquals(want.getMessage(), got.getMessage());
  }

  private static String message(Runnable call) {
    return assertThrows(RuntimeException.class, call::run).getMessage();
  }

  private static List<Path> list(Path d) {
    try (var s = Files.list(d)) {
      return s.toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
