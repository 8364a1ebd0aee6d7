package dev.aeon.query.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aeon.common.testing.FileSizeLimit;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A forget of many events logs one record per event in the meta log before any of them leaves the graph. One that
 * fails part way (a full device: here the process's file size limit) forgets nothing, on disk either: the next
 * checkpoint must not name the records it logged before the failure, or the trace reopens without events it held
 * live when it was checkpointed.
 */
class FailedForgetTest {

  /** Enough events for their forget records (17 bytes each) to fill the meta log's buffer a few times over. */
  private static final int SESSION = 2_000;

  @TempDir Path dir;

  /**
   * Both ways a forget can fail: at the first write of the meta log's buffer (all its records still buffered), and
   * after a first write went through (some of its records in the file past the checkpoint, the rest buffered).
   * Either way the events are all there after a checkpoint and a reopen, and forgetting them again works.
   */
  @Test
  void aForgetThatFailsPartWayLeavesNoRecordForTheNextCheckpoint() throws Throwable {
    assumeTrue(FileSizeLimit.supported(), "the file size limit is Linux's");
    for (int writtenFirst : new int[] {0, 8_192}) {
      Path d = dir.resolve("written-" + writtenFirst);
      try (Trace t = Trace.open(d)) {
        for (long id = 1; id <= SESSION; id++) {
          t.append(event(id, "doomed"));
        }
        t.append(event(SESSION + 1, "kept"));
        t.flush(1);
        long metaBytes = Files.size(d.resolve(Trace.META_FILE));
        try (FileSizeLimit full = FileSizeLimit.of(metaBytes + writtenFirst)) {
          assertThrows(UncheckedIOException.class, () -> t.forgetSession("doomed"));
        }
        assertEquals(SESSION + 1, t.eventCount(), writtenFirst + ": the failed forget is visible");
        t.flush(2); // room again: the checkpoint writes what is buffered
      }
      try (Trace t = Trace.open(d)) {
        assertEquals(SESSION + 1, t.eventCount(),
            writtenFirst + ": events the failed forget had logged are forgotten after the reopen");
        for (long id = 1; id <= SESSION; id++) {
          assertTrue(t.contains(id), writtenFirst + ": event " + id);
        }
        assertEquals(SESSION, t.forgetSession("doomed").ids().length);
        t.flush(3);
      }
      try (Trace t = Trace.open(d)) {
        assertEquals(1, t.eventCount(), writtenFirst + ": the forget after the failed one");
        assertTrue(t.contains(SESSION + 1));
      }
    }
  }

  private static Event event(long id, String session) {
    return new Event(id, session, "user", id, id, Event.NO_VECTOR, Map.of());
  }
}
