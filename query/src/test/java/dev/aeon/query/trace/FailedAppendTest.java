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
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An append that fails (a full device: here the process's file size limit) changes nothing, on disk either: the same
 * id appended again afterwards is that second event alone.
 */
class FailedAppendTest {

  @TempDir Path dir;

  /**
   * Both places an append can fail: the events file that must grow (small attributes: the appends fill what it
   * wrote ahead) and the meta log whose buffer must be written out to take the attributes (large ones).
   */
  @Test
  void aFailedAppendLeavesNoAttributesBehindForTheNextEventOfItsId() throws Throwable {
    assumeTrue(FileSizeLimit.supported(), "the file size limit is Linux's");
    for (String failing : List.of(Trace.EVENTS_FILE, Trace.META_FILE)) {
      Path d = dir.resolve(failing);
      String padding = failing.equals(Trace.META_FILE) ? "x".repeat(8_000) : "";
      long failedId;
      try (Trace t = Trace.open(d)) {
        t.append(event(1, Map.of()));
        t.flush(1);
        long id = 2;
        try (FileSizeLimit full = FileSizeLimit.of(Files.size(d.resolve(failing)))) {
          while (true) { // until an append needs the file to grow
            try {
              t.append(event(id, Map.of("secret", "of event " + id + padding)));
            } catch (UncheckedIOException e) {
              break;
            }
            id++;
          }
        }
        failedId = id;
        assertEquals(Optional.empty(), t.get(failedId), failing + ": the failed append is visible");
        t.append(event(failedId, Map.of()));
        t.stageCheckpoint(2).commit();
      }
      try (Trace t = Trace.open(d)) {
        assertEquals(Map.of(), t.get(failedId).orElseThrow().attributes(),
            failing + ": the failed append's attributes went to the next event of its id");
        assertEquals(Map.of("secret", "of event " + (failedId - 1) + padding),
            t.get(failedId - 1).orElseThrow().attributes(), failing);
        assertEquals(failedId, t.eventCount(), failing);
      }
    }
  }

  private static Event event(long id, Map<String, Object> attributes) {
    return new Event(id, "s", "user", id, id, Event.NO_VECTOR, attributes);
  }
}
