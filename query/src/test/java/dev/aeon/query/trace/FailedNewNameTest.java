package dev.aeon.query.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * A link or an event that brings a new name (a link type, a session, a role) and fails (a full device: here the
 * process's file size limit), called on the trace itself as a tool or test does, leaves no name behind, in memory or
 * in the meta log: the name was logged and registered before the link's or the event's record was written, and stayed
 * when that failed, registered with nothing using it, and named by the next checkpoint.
 */
class FailedNewNameTest {

  /** Enough links for their records (48 bytes each) to grow the edge log's buffer to its 64 KiB. */
  private static final int EDGES = 3_000;

  @TempDir Path dir;

  @Test
  void aLinkThatFailsLeavesNoLinkTypeBehind() throws Throwable {
    assumeTrue(FileSizeLimit.supported(), "the file size limit is Linux's");
    String failed = null;
    try (Trace t = Trace.open(dir)) {
      twoEventsAndTheirLinks(t);
      try (FileSizeLimit full = FileSizeLimit.of(Files.size(dir.resolve(Trace.EDGES_FILE)))) {
        for (int i = 0; failed == null; i++) { // each link of a type of its own, until the edge log must grow
          try {
            t.addEdge("TYPE" + i, 1, 2);
          } catch (UncheckedIOException e) {
            failed = "TYPE" + i;
          }
        }
      }
      assertEquals(-1, t.graph().stringId(failed), "the failed link's type is registered");
      t.flush(2); // room again: the checkpoint writes what is buffered
    }
    try (Trace t = Trace.open(dir)) {
      assertEquals(-1, t.graph().stringId(failed), "the failed link's type was logged");
      assertTrue(t.addEdge(failed, 1, 2));
      assertEquals(1, t.currentEdges(failed, 1, 2).count());
      t.flush(3);
    }
    try (Trace t = Trace.open(dir)) {
      assertEquals(1, t.currentEdges(failed, 1, 2).count());
    }
  }

  /** A link of a type known already (no name to log first) that fails leaves no link, and the next one is added. */
  @Test
  void aLinkOfAKnownTypeThatFailsAddsNothing() throws Throwable {
    assumeTrue(FileSizeLimit.supported(), "the file size limit is Linux's");
    int added = EDGES;
    try (Trace t = Trace.open(dir)) {
      twoEventsAndTheirLinks(t);
      int type = t.graph().stringId("REL");
      try (FileSizeLimit full = FileSizeLimit.of(Files.size(dir.resolve(Trace.EDGES_FILE)))) {
        for (boolean failed = false; !failed; ) { // until the edge log must grow
          try {
            t.addEdge("REL", 1, 2, added, Edge.OPEN);
            added++;
          } catch (UncheckedIOException e) {
            failed = true;
          }
        }
      }
      assertEquals(type, t.graph().stringId("REL"));
      assertEquals(added, t.currentEdges("REL", 1, 2).count(), "links in memory");
      t.flush(2);
      assertTrue(t.addEdge("REL", 1, 2, added, Edge.OPEN));
      t.flush(3);
    }
    try (Trace t = Trace.open(dir)) {
      assertEquals(added + 1, t.currentEdges("REL", 1, 2).count(), "links read back");
    }
  }

  @Test
  void anEventThatFailsLeavesNoSessionBehind() throws Throwable {
    assumeTrue(FileSizeLimit.supported(), "the file size limit is Linux's");
    long failed = 0;
    try (Trace t = Trace.open(dir)) {
      t.append(event(1, "s"));
      t.flush(1);
      try (FileSizeLimit full = FileSizeLimit.of(Files.size(dir.resolve(Trace.EVENTS_FILE)))) {
        for (long id = 2; failed == 0; id++) { // each event in a session of its own, until the events file must grow
          try {
            t.append(event(id, "s" + id));
          } catch (UncheckedIOException e) {
            failed = id;
          }
        }
      }
      assertEquals(-1, t.graph().stringId("s" + failed), "the failed event's session is registered");
      t.flush(2);
    }
    try (Trace t = Trace.open(dir)) {
      assertEquals(-1, t.graph().stringId("s" + failed), "the failed event's session was logged");
      assertEquals(failed - 1, t.eventCount());
      assertTrue(t.append(event(failed, "s" + failed)));
      assertEquals(1, t.liveSessionCount("s" + failed));
    }
  }

  /** Events 1 and 2, {@link #EDGES} links of type REL between them, flushed. */
  private static void twoEventsAndTheirLinks(Trace t) {
    t.append(event(1, "s"));
    t.append(event(2, "s"));
    for (int i = 0; i < EDGES; i++) {
      t.addEdge("REL", 1, 2, i, Edge.OPEN);
    }
    t.flush(1);
  }

  private static Event event(long id, String session) {
    return new Event(id, session, "user", id, id, Event.NO_VECTOR, Map.of());
  }
}
