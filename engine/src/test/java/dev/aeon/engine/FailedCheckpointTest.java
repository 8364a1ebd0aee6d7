package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aeon.common.testing.FileSizeLimit;
import dev.aeon.common.testing.LoggedWarnings;
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

  /**
   * A background checkpoint that fails on a full device every interval is logged once, with its stack trace, and
   * the first that succeeds once there is room again says so, once. The links written before make the links file
   * longer than what the log holds after the compaction, so that the log's writes stay below the file size limit
   * and the trace's links file alone meets it.
   */
  @Test
  void aBackgroundCheckpointFailingEveryIntervalIsLoggedOnceAndItsRecoveryOnce() throws Throwable {
    assumeTrue(FileSizeLimit.supported(), "the file size limit is Linux's");
    AeonOptions options = AeonOptions.defaults().withCheckpoints(1L << 40, Duration.ofMillis(10));
    Path links = dir.resolve("ns").resolve(Aeon.DEFAULT_NAMESPACE).resolve("trace").resolve("edges.trace");
    try (LoggedWarnings logged = LoggedWarnings.of(Checkpoints.class); Aeon aeon = Aeon.open(dir, options)) {
      Memory m = aeon.memory();
      long a = m.remember(Remember.event("s", "user", "a"));
      long b = m.remember(Remember.event("s", "user", "b"));
      for (int i = 0; i < 2_000; i++) {
        m.link(b, "A", a, i, i + 1);
      }
      m.compact(); // the log starts a new segment
      try (FileSizeLimit full = FileSizeLimit.of(Files.size(links))) {
        m.link(a, "B", b, Long.MIN_VALUE, Long.MAX_VALUE);
        for (long deadline = System.nanoTime() + 10_000_000_000L; logged.list().isEmpty(); Thread.sleep(1)) {
          assertTrue(System.nanoTime() < deadline, "no background checkpoint failed");
        }
        Thread.sleep(300); // thirty intervals, each with a background checkpoint that fails the same way
      }
      for (long deadline = System.nanoTime() + 10_000_000_000L; logged.info().isEmpty(); Thread.sleep(1)) {
        assertTrue(System.nanoTime() < deadline, () -> "no recovery logged; " + logged.list().size() + " lines: "
            + logged.list());
      }
      List<String> warnings = logged.list();
      assertEquals(1, warnings.size(), () -> warnings.size() + " lines: " + warnings);
      assertTrue(warnings.getFirst().startsWith("checkpointing namespace 'default' failed (in the background; it is"
          + " tried again after the checkpoint interval; the same failure is not logged again): "),
          warnings.getFirst());
      assertTrue(warnings.getFirst().endsWith("caused by java.io.IOException: File too large"), warnings.getFirst());
      assertEquals(1, logged.thrown().size(), "logged with its stack trace");
      assertEquals(1, logged.info().size(), logged.info().toString());
      assertTrue(logged.info().getFirst().matches("checkpointing namespace 'default' works again after"
          + " \\d+ failed runs?"), logged.info().getFirst());
    }
  }

  /**
   * A close whose last checkpoints fail throws the first failure, the later ones suppressed in it: a namespace whose
   * checkpoint failed and whose stores then failed to close too threw the stores' failure ("closing namespace 'a'
   * failed"), and what had failed first, the checkpoint, was lost. Nothing acknowledged is lost: the next open
   * replays the log.
   */
  @Test
  void aCloseWhoseCheckpointsFailThrowsTheFirstFailureWithTheLaterOnesSuppressed() throws Throwable {
    assumeTrue(FileSizeLimit.supported(), "the file size limit is Linux's");
    AeonOptions options = AeonOptions.defaults().withCheckpoints(1L << 40, Duration.ofDays(1)); // only the last
    Aeon aeon = Aeon.open(dir, options);
    List<String> names = List.of("a", "b");
    for (String name : names) {
      for (int i = 0; i < 20; i++) {
        aeon.namespace(name).remember(Remember.event("s", "user", name + i).vector(TestVectors.unit(i)));
      }
    }
    java.io.UncheckedIOException e;
    try (FileSizeLimit full = FileSizeLimit.of(1)) {
      e = assertThrows(java.io.UncheckedIOException.class, aeon::close);
    }
    String first = e.getMessage().substring(e.getMessage().indexOf('\'') + 1, e.getMessage().lastIndexOf('\''));
    assertEquals("checkpoint at close of namespace '" + first + "' failed", e.getMessage(), e::toString);
    List<String> suppressed = java.util.Arrays.stream(e.getSuppressed()).map(Throwable::getMessage).toList();
    String other = first.equals("a") ? "b" : "a";
    assertEquals(List.of("closing namespace '" + first + "' failed", "checkpoint at close of namespace '" + other
        + "' failed"), suppressed, e::toString);
    assertEquals(List.of("closing namespace '" + other + "' failed"),
        java.util.Arrays.stream(e.getSuppressed()[1].getSuppressed()).map(Throwable::getMessage).toList());
    try (Aeon again = Aeon.open(dir, options)) {
      for (String name : names) {
        assertEquals(20, again.namespace(name).stats().events());
        assertEquals(List.of(), again.check(name));
      }
    }
  }

  private static List<List<Object>> types(Memory m) {
    return m.query("MATCH (x)-[r]->(y) WHERE type(r) <> 'NEXT' RETURN type(r) ORDER BY type(r)", Map.of()).rows();
  }
}
