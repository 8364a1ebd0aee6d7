package dev.aeon.query.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aeon.common.testing.FileSizeLimit;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An invalidation of many edges logs one record per edge in the edge log, then ends them all in the graph. One that
 * fails part way (a full device: here the process's file size limit), called on the trace itself as a tool or test
 * does (not through the engine, which fails its namespace then), invalidates nothing, in memory or on disk: it ended
 * the edges it had logged before the failure, and the next checkpoint named their records.
 */
class FailedInvalidationTest {

  /** Enough edges for their invalidation records (48 bytes each) to fill the edge log's 64 KiB buffer twice. */
  private static final int EDGES = 3_000;

  @TempDir Path dir;

  /**
   * Both ways it can fail: at the first write of the edge log's buffer (all its records still buffered), and after a
   * first write went through (some of its records in the file past the checkpoint, the rest buffered). Either way
   * every edge is still current, before and after a checkpoint and a reopen, and invalidating them again works.
   * Failed before: the edges logged before the failure were ended in the graph (1,365 of the 3,000, a buffer's
   * worth, when its first write failed), and the next checkpoint kept them ended.
   */
  @Test
  void anInvalidationThatFailsPartWayEndsNoEdge() throws Throwable {
    assumeTrue(FileSizeLimit.supported(), "the file size limit is Linux's");
    for (int writtenFirst : new int[] {0, 1 << 16}) {
      Path d = dir.resolve("written-" + writtenFirst);
      try (Trace t = Trace.open(d)) {
        t.append(event(1));
        t.append(event(2));
        for (int i = 0; i < EDGES; i++) {
          t.addEdge("REL", 1, 2, i, Edge.OPEN);
        }
        t.flush(1);
        long edgeBytes = Files.size(d.resolve(Trace.EDGES_FILE));
        try (FileSizeLimit full = FileSizeLimit.of(edgeBytes + writtenFirst)) {
          assertThrows(UncheckedIOException.class, () -> t.invalidateEdges("REL", 1, 2, EDGES));
        }
        assertEquals(EDGES, t.currentEdges("REL", 1, 2).count(), writtenFirst + ": the failed invalidation ended");
        t.flush(2); // room again: the checkpoint writes what is buffered
      }
      try (Trace t = Trace.open(d)) {
        assertEquals(EDGES, t.currentEdges("REL", 1, 2).count(),
            writtenFirst + ": edges the failed invalidation had logged are ended after the reopen");
        assertEquals(EDGES, t.invalidateEdges("REL", 1, 2, EDGES));
        t.flush(3);
      }
      try (Trace t = Trace.open(d)) {
        assertEquals(0, t.currentEdges("REL", 1, 2).count(), writtenFirst + ": the invalidation after the failed one");
      }
    }
  }

  private static Event event(long id) {
    return new Event(id, "s", "user", id, id, Event.NO_VECTOR, Map.of());
  }
}
