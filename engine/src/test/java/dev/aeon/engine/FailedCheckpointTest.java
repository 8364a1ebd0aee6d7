package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aeon.common.testing.FileSizeLimit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint that fails to write (a full device: here the process's file size limit, met by the trace's links
 * file) fails that checkpoint only: the namespace goes on, and the next checkpoint makes durable everything
 * acknowledged, the writes the failed one could not write included.
 */
class FailedCheckpointTest {

  @TempDir Path dir;

  @Test
  void linksAFailedCheckpointCouldNotWriteAreKeptByTheNext() throws Throwable {
    assumeTrue(FileSizeLimit.supported(), "the file size limit is Linux's");
    AeonOptions options = AeonOptions.defaults().withCheckpoints(1L << 40, Duration.ofDays(1)); // only ours
    Path links = dir.resolve("ns").resolve(Aeon.DEFAULT_NAMESPACE).resolve("trace").resolve("edges.trace");
    try (Aeon aeon = Aeon.open(dir, options)) {
      Memory m = aeon.memory();
      long a = m.remember(Remember.event("s", "user", "a"));
      long b = m.remember(Remember.event("s", "user", "b"));
      m.link(b, "A", a, Long.MIN_VALUE, Long.MAX_VALUE);
      m.checkpoint();
      m.link(a, "B", b, Long.MIN_VALUE, Long.MAX_VALUE);
      try (FileSizeLimit full = FileSizeLimit.of(Files.size(links))) {
        assertThrows(RuntimeException.class, m::checkpoint);
      }
      m.link(b, "C", a, Long.MIN_VALUE, Long.MAX_VALUE);
      m.checkpoint(); // the log's segments before it are deleted: the trace's files alone hold the links now
      assertEquals(List.of(List.of("A"), List.of("B"), List.of("C")), types(m));
    }
    try (Aeon aeon = Aeon.open(dir, options)) {
      assertEquals(List.of(List.of("A"), List.of("B"), List.of("C")), types(aeon.memory()));
      assertEquals(List.of(), aeon.check(Aeon.DEFAULT_NAMESPACE));
    }
  }

  private static List<List<Object>> types(Memory m) {
    return m.query("MATCH (x)-[r]->(y) WHERE type(r) <> 'NEXT' RETURN type(r) ORDER BY type(r)", Map.of()).rows();
  }
}
