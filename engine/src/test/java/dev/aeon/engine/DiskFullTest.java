package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.blob.BlobArena;
import dev.aeon.common.testing.SmallDevice;
import dev.aeon.query.trace.Event;
import dev.aeon.query.trace.Trace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full device, for real ({@link SmallDevice}: skipped where a tmpfs cannot be mounted). A write that
 * finds no room must fail with an exception naming the I/O error: a store into a hole of a mapped file
 * used to end in an {@code InternalError} from a {@code SIGBUS}, in the middle of the store's update. Once
 * there is room again, every acknowledged write must be there.
 */
class DiskFullTest {

  @TempDir
  Path dir;

  @Test
  void aFullDeviceFailsAWriteWithAnIoErrorAndLosesNothingAcknowledged() throws Exception {
    try (SmallDevice device = SmallDevice.mount(dir.resolve("fs"), 24)) {
      Path data = device.root().resolve("db");
      Aeon filled = Aeon.open(data, AeonOptions.defaults().withWalSegmentBytes(1 << 20));
      UntilFull full;
      try {
        full = UntilFull.write(filled.memory(), DiskFullTest::event);
      } finally {
        closeOnAFullDevice(filled);
      }
      long acknowledged = full.acknowledged();
      assertIoFailure(full.failure());
      assertTrue(acknowledged > 1_000, "only " + acknowledged + " events fit");

      device.resize(96);
      try (Aeon aeon = Aeon.open(data, AeonOptions.defaults())) {
        Memory m = aeon.memory();
        for (long id = 1; id <= acknowledged; id++) {
          assertEquals("event " + id, m.get(id).orElseThrow().text());
        }
        assertEquals(List.of(), aeon.check(Aeon.DEFAULT_NAMESPACE));
        assertTrue(m.remember(event(acknowledged + 2)) > acknowledged, "writes go on once there is room");
      }
    }
  }

  /**
   * Texts large enough for the blob arena to be the store that finds no room: the vector is in the index by
   * then, so the namespace fails half applied. Its background checkpoints must stop: one that ran once the
   * device had room again made that half durable at the log's end (the index with the vector, the trace
   * without the event), and the namespace no longer opened ("the vector index holds N vectors but the trace's
   * events have N - 1").
   */
  @Test
  void aNamespaceThatFailedHalfAppliedIsNotCheckpointedAfterwards() throws Exception {
    try (SmallDevice device = SmallDevice.mount(dir.resolve("fs"), 24)) {
      Path data = device.root().resolve("db");
      AeonOptions options = AeonOptions.defaults().withWalSegmentBytes(1 << 20)
          .withCheckpoints(1L << 30, java.time.Duration.ofMillis(100));
      String text = "t".repeat(60_000);
      Aeon filled = Aeon.open(data, options);
      UntilFull full;
      try {
        full = UntilFull.write(filled.memory(),
            n -> Remember.event("s", "user", text + n).vector(new float[] {1, 0.5f, 0.25f}));
        assertIoFailure(full.failure());
        device.resize(96);
        Thread.sleep(1_000); // ten background checkpoint intervals, with room on the device again
      } finally {
        closeOnAFullDevice(filled);
      }
      long acknowledged = full.acknowledged();
      try (Aeon aeon = Aeon.open(data, options)) {
        Memory m = aeon.memory();
        for (long id = 1; id <= acknowledged; id++) {
          assertTrue(m.get(id).orElseThrow().text().endsWith("t" + id), "event " + id);
        }
        assertEquals(List.of(), aeon.check(Aeon.DEFAULT_NAMESPACE));
      }
    }
  }

  /** An import that fills the device part way into a namespace it created leaves no namespace, and no file. */
  @Test
  void anImportThatFillsTheDeviceLeavesNothingOfItsNamespace() throws Exception {
    Path export = dir.resolve("big.jsonl");
    String text = "t".repeat(60_000);
    try (Aeon source = Aeon.open(dir.resolve("source"), EngineTest.options())) {
      for (int n = 0; n < 400; n++) { // 24 MB of texts for a 16 MB device
        source.memory().remember(Remember.event("s", "user", text + n).vector(TestVectors.unit(n)));
      }
      source.exportNamespace(Aeon.DEFAULT_NAMESPACE, export);
    }
    try (SmallDevice device = SmallDevice.mount(dir.resolve("fs"), 16);
         Aeon aeon = Aeon.open(device.root().resolve("db"), EngineTest.options())) {
      java.io.UncheckedIOException e = org.junit.jupiter.api.Assertions.assertThrows(
          java.io.UncheckedIOException.class, () -> aeon.importNamespace("copy", export));
      assertTrue(e.getMessage().contains("were imported before it)")
          && e.getMessage().endsWith("; nothing was kept: no namespace was created"), e.getMessage());
      // What the CLI prints: it said which file could not be appended to, not that the device was full.
      assertTrue(e.getMessage().contains(": No space left on device ("), e.getMessage());
      assertEquals(List.of(), aeon.namespaceNames());
      try (var left = Files.walk(device.root().resolve("db"))) {
        assertEquals(List.of(), left.filter(Files::isRegularFile)
            .filter(f -> !f.getFileName().toString().equals(Aeon.LOCK_FILE)).toList());
      }
      assertEquals(0, aeon.namespace("copy").stats().events(), "the name is free, and the device has room again");
    }
  }

  /**
   * An import whose namespace was read whole but whose closing checkpoint finds the device full fails as an import
   * that kept nothing, as when the device fills while it reads: it said only that the checkpoint at close of the
   * namespace failed, naming one that was never created.
   */
  @Test
  void anImportWhoseClosingCheckpointFindsTheDeviceFullSaysItKeptNothing() throws Exception {
    Path export = dir.resolve("small.jsonl");
    try (Aeon source = Aeon.open(dir.resolve("source"), EngineTest.options())) {
      for (int n = 0; n < 200; n++) {
        source.memory().remember(Remember.event("s", "user", "event " + n).vector(TestVectors.unit(n)));
      }
      source.exportNamespace(Aeon.DEFAULT_NAMESPACE, export);
    }
    try (SmallDevice device = SmallDevice.mount(dir.resolve("fs"), 32);
         Aeon aeon = Aeon.open(device.root().resolve("db"), EngineTest.options())) {
      TransferProgress fillWhenRead = (step, done, total) -> {
        if (step == TransferProgress.Step.FINISHING && done == 1) { // read whole; the checkpoint comes next
          try {
            device.fill();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      };
      java.io.UncheckedIOException e = org.junit.jupiter.api.Assertions.assertThrows(
          java.io.UncheckedIOException.class, () -> aeon.importNamespace("copy", export, fillWhenRead));
      assertTrue(e.getMessage().startsWith("import into namespace 'copy' failed: ")
          && e.getMessage().endsWith("; nothing was kept: no namespace was created"), e.getMessage());
      Files.delete(device.root().resolve("ballast"));
      assertEquals(List.of(), aeon.namespaceNames());
      assertEquals(200, aeon.importNamespace("copy", export).events(), "the import goes through once there is room");
    }
  }

  /**
   * Creating a namespace on a full device is an I/O error too. (The log's first segment is the first to
   * find no room, so this does not reach the mapped stores; the blob arena's case below does.)
   */
  @Test
  void creatingANamespaceOnAFullDeviceFailsWithAnIoError() throws Exception {
    try (SmallDevice device = SmallDevice.mount(dir.resolve("fs"), 8)) {
      device.fill();
      Throwable failure = null;
      try (Aeon aeon = Aeon.open(device.root().resolve("db"), AeonOptions.defaults())) {
        aeon.memory().remember(event(1));
      } catch (RuntimeException | Error e) {
        failure = e;
      }
      assertIoFailure(failure);
    }
  }

  /** A new blob arena stores its header into its mapping: with no room, opening it is an I/O error. */
  @Test
  void creatingABlobArenaOnAFullDeviceFailsWithAnIoError() throws Exception {
    try (SmallDevice device = SmallDevice.mount(dir.resolve("fs"), 8)) {
      Path blobs = Files.createDirectory(device.root().resolve("blobs"));
      device.fillLeaving(1); // the page its file's last byte takes: the header's page is a hole
      Throwable failure = null;
      try (BlobArena arena = BlobArena.open(blobs)) {
        arena.append("text");
      } catch (IOException | RuntimeException | Error e) {
        failure = e;
      }
      assertIoFailure(failure);
    }
  }

  /** The trace's event records are stored into a mapping too: its appends must fail the same way. */
  @Test
  void theTraceFailsAnAppendWithAnIoErrorOnAFullDevice() throws Exception {
    try (SmallDevice device = SmallDevice.mount(dir.resolve("fs"), 8); Trace trace =
        Trace.open(device.root().resolve("trace"))) {
      long id = 1;
      for (; id <= 100; id++) { // every session and role named before the device fills
        trace.append(traceEvent(id));
      }
      device.fill();
      Throwable failure = null;
      while (failure == null && id < 1_000_000) {
        try {
          trace.append(traceEvent(id++));
        } catch (RuntimeException | Error e) {
          failure = e;
        }
      }
      assertIoFailure(failure);
    }
  }

  /**
   * A session forget whose trace cannot write out its meta log (its forget records fill the buffer several times
   * over) fails the namespace with the I/O error, the log holding the forget and the trace some of its records.
   * Reopened with room again, the trace cuts its meta log back to its checkpoint and the log's replay forgets the
   * whole session: never some of its events, as the records written before the failure would have.
   */
  @Test
  void aSessionForgetThatFindsNoRoomForTheTraceIsReplayedWhole() throws Exception {
    int session = 2_000;
    try (SmallDevice device = SmallDevice.mount(dir.resolve("fs"), 24)) {
      Path data = device.root().resolve("db");
      Aeon filled = Aeon.open(data, AeonOptions.defaults());
      try {
        Memory m = filled.memory();
        for (int n = 0; n < session; n++) {
          m.remember(Remember.event("doomed", "user", "event " + n));
        }
        m.remember(Remember.event("kept", "user", "kept"));
        m.checkpoint();
        device.fill();
        String why = failedForget(m, "doomed");
        assertTrue(why.contains("cannot forget in "), "not the trace's failure: " + why);
        device.empty();
        assertEquals(session + 1, m.stats().events(), "the failed forget is visible");
      } finally {
        closeOnAFullDevice(filled);
      }
      try (Aeon aeon = Aeon.open(data, AeonOptions.defaults())) {
        Memory m = aeon.memory();
        assertEquals(List.of(), aeon.check(Aeon.DEFAULT_NAMESPACE));
        assertEquals(0, m.history("doomed", session).size(), "the logged forget replayed whole");
        assertEquals(1, m.stats().events());
      }
    }
  }

  /**
   * A session forget whose index compactions find no room: every fourth event is the session's, the others another
   * session's, so every leaf of the index loses a quarter of its entries and is compacted into new pages (vectors of
   * 4,096 dimensions, more pages than the page file writes ahead). Half the events come after the last checkpoint,
   * whose flush freed the pages of the splits before it: their splits take those pages first. The index's removeAll
   * fails with nothing removed, before the trace is touched, and the namespace fails; reopened with room, the log's
   * replay forgets the whole session and the stores agree.
   */
  @Test
  void aSessionForgetWhoseIndexCompactionsFindNoRoomIsReplayedWhole() throws Exception {
    int events = 2_400;
    try (SmallDevice device = SmallDevice.mount(dir.resolve("fs"), 160)) {
      Path data = device.root().resolve("db");
      AeonOptions options = AeonOptions.defaults().withWalSegmentBytes(1 << 20)
          .withCheckpoints(1L << 40, java.time.Duration.ofHours(1));
      Aeon filled = Aeon.open(data, options);
      try {
        Memory m = filled.memory();
        Random r = new Random(73);
        for (int n = 0; n < events; n++) {
          float[] v = new float[4096];
          for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
          }
          m.remember(Remember.event(n % 4 == 0 ? "doomed" : "kept", "user", "event " + n).vector(v));
          if (n == events / 2) {
            m.checkpoint();
          }
        }
        device.fill();
        String why = failedForget(m, "doomed");
        assertTrue(why.contains(dev.aeon.index.atlas.store.PageFile.NAME)
            || why.contains(dev.aeon.index.atlas.store.PageFile.SKETCH_NAME), "not the index's failure: " + why);
        device.empty();
        assertEquals(events, m.stats().events(), "the failed forget is visible");
      } finally {
        closeOnAFullDevice(filled);
      }
      try (Aeon aeon = Aeon.open(data, options)) {
        Memory m = aeon.memory();
        assertEquals(List.of(), aeon.check(Aeon.DEFAULT_NAMESPACE));
        assertEquals(0, m.history("doomed", events).size(), "the logged forget replayed whole");
        assertEquals(events * 3 / 4, m.stats().events());
      }
    }
  }

  /** How many events a namespace acknowledged before a write failed, and that failure. */
  private record UntilFull(long acknowledged, Throwable failure) {

    /** Remembers event 1, 2, ... until one fails. */
    static UntilFull write(Memory m, java.util.function.LongFunction<Remember> event) {
      long acknowledged = 0;
      while (true) {
        try {
          m.remember(event.apply(acknowledged + 1));
          acknowledged++;
        } catch (RuntimeException | Error e) {
          return new UntilFull(acknowledged, e);
        }
      }
    }
  }

  /**
   * Closing after a write failed may fail too (a last checkpoint with no room): the log holds every acknowledged write.
   */
  private static void closeOnAFullDevice(Aeon aeon) {
    try {
      aeon.close();
    } catch (RuntimeException e) {
      // what reopening recovers from
    }
  }

  /** Forgets {@code session}, which must fail with an I/O error: the failure and its cause, as text. */
  private static String failedForget(Memory m, String session) {
    Throwable failure = null;
    try {
      m.forgetSession(session);
    } catch (RuntimeException | Error e) {
      failure = e;
    }
    assertIoFailure(failure);
    return failure + " / " + failure.getCause();
  }

  private static void assertIoFailure(Throwable failure) {
    assertNotNull(failure, "no write failed");
    assertFalse(failure instanceof Error, () -> "a full device must not end in an Error: " + failure);
    assertNotNull(ioCause(failure), () -> "the failure must name the I/O error: " + failure);
  }

  /** With vectors of a real model's size, so that the index's files are the first to outgrow the device. */
  private static Remember event(long n) {
    Random r = new Random(n);
    float[] v = new float[384];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return Remember.event("s" + n % 5, "user", "event " + n).vector(v);
  }

  private static Event traceEvent(long id) {
    return new Event(id, "s" + id % 5, "user", id, id, -1, Map.of());
  }

  private static IOException ioCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof IOException io) {
        return io;
      }
    }
    return null;
  }
}
