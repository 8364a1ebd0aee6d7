package dev.aeon.query.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.aeon.common.testing.NullArguments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every public method of a trace, called with null in each reference parameter where null means nothing, throws a
 * NullPointerException that names the parameter (package-info.java) and changes nothing; a time limit out of range
 * is an IllegalArgumentException, as is a negative limit. The trace goes on working afterwards.
 */
class NullArgumentsTest {

  @TempDir
  Path dir;

  @Test
  void aNullArgumentIsANullPointerExceptionNamingTheParameter() throws Exception {
    Path absent = dir.resolve("absent");
    Map<Object, Object> samples = Map.ofEntries(Map.entry("query(statement)", "RETURN 1"),
        Map.entry("explain(statement)", "RETURN 1"), Map.entry(String.class, "s"), Map.entry(Path.class, absent),
        Map.entry(Event.class, Event.of(9, "s", "user", 9, 0)), Map.entry(Map.class, Map.of()),
        Map.entry(Duration.class, Duration.ofSeconds(1)), Map.entry(Direction.class, Direction.OUT),
        Map.entry(long[].class, new long[] {1}), Map.entry(TextResolver.class, (TextResolver) ref -> null),
        Map.entry(VectorRecall.class, VectorRecall.NONE), Map.entry(int.class, 1), Map.entry(long.class, 1L));
    try (Trace t = Trace.open(dir.resolve("trace"))) {
      t.append(Event.of(1, "s", "user", 1, 0));
      t.append(Event.of(2, "s", "user", 2, 0));
      assertEquals(List.of(), NullArguments.misfits(Trace.class, t, samples,
          Set.of("neighbours(type)", "query(params)", "explain(params)")));
      assertEquals("timeLimit must be zero (no limit) or positive: PT-1S", assertThrows(IllegalArgumentException.class,
          () -> t.query("RETURN 1", Map.of(), Duration.ofSeconds(-1))).getMessage());
      assertEquals("limit must not be negative: -1", assertThrows(IllegalArgumentException.class,
          () -> t.history("s", -1)).getMessage(), "as Memory.history says, not an empty answer");
      assertEquals("limit must not be negative: -1", assertThrows(IllegalArgumentException.class,
          () -> t.range(0, 10, -1)).getMessage());
      assertEquals(List.of(), t.history("s", 0));
      assertEquals(List.of(), t.range(0, 10, 0));

      assertEquals(false, Files.exists(absent));
      assertEquals(List.of(List.<Object>of(1L)), t.query("RETURN 1 AS one", null).rows());
      assertEquals(2, t.eventCount());
      assertEquals(true, t.addEdge("R", 1, 2));
      assertEquals(1, t.neighbours(1, Direction.OUT, "R", Trace.CURRENT).size());
    }
  }
}
