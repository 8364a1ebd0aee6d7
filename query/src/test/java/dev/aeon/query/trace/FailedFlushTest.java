package dev.aeon.query.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aeon.common.testing.FileSizeLimit;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flush whose write fails (a full device: here the process's file size limit) leaves the appends it could not
 * write pending: the next flush writes them, and appends made in between after them. The engine goes on after a
 * failed checkpoint, and tries again at the next.
 */
class FailedFlushTest {

  @TempDir Path dir;

  @Test
  void appendsAFailedFlushCouldNotWriteAreWrittenByTheNext() throws Throwable {
    assumeTrue(FileSizeLimit.supported(), "the file size limit is Linux's");
    for (String failing : List.of(Trace.META_FILE, Trace.EDGES_FILE)) {
      Path d = dir.resolve(failing);
      try (Trace t = Trace.open(d)) {
        for (long id = 1; id <= 4; id++) {
          t.append(new Event(id, "s", "user", id, id, Event.NO_VECTOR, Map.of()));
        }
        t.addEdge("A", 2, 1);
        t.flush(1);
        if (failing.equals(Trace.EDGES_FILE)) {
          t.addEdge("B", 3, 2);
          t.addEdge("B", 4, 3);
        } else {
          t.updateAttributes(2, Map.of("n", 2L));
          t.updateAttributes(3, Map.of("n", 3L));
        }
        try (FileSizeLimit full = FileSizeLimit.of(Files.size(d.resolve(failing)))) {
          assertThrows(UncheckedIOException.class, () -> t.stageCheckpoint(2), failing);
        }
        t.addEdge("C", 4, 1);
        t.updateAttributes(4, Map.of("n", 4L));
        t.stageCheckpoint(3).commit();
      }
      try (Trace t = Trace.open(d)) {
        boolean edges = failing.equals(Trace.EDGES_FILE);
        assertEquals(edges ? List.of("A", "B", "B", "C") : List.of("A", "C"), types(t), failing);
        assertEquals(edges ? Map.of() : Map.of("n", 2L), t.get(2).orElseThrow().attributes(), failing);
        assertEquals(edges ? Map.of() : Map.of("n", 3L), t.get(3).orElseThrow().attributes(), failing);
        assertEquals(Map.of("n", 4L), t.get(4).orElseThrow().attributes(), failing);
      }
    }
  }

  private static List<String> types(Trace t) {
    return java.util.stream.IntStream.range(0, t.graph().edgeCount()).mapToObj(e -> t.graph().edge(e).type())
        .toList();
  }
}
