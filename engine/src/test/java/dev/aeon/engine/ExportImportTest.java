package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.testing.LoggedWarnings;
import dev.aeon.common.testing.OtherProcessLock;
import dev.aeon.embed.OnnxTextEmbedder;
import dev.aeon.engine.log.Mutation;
import dev.aeon.engine.log.MutationCodec;
import dev.aeon.wal.Wal;
import dev.aeon.wal.WalOptions;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Aeon#exportNamespace} and {@link Aeon#importNamespace}: a namespace written out and read into another
 * memory reads the same (ids aside), and a damaged export is refused before anything is written.
 */
class ExportImportTest {

  static final String MODEL = "export-test-unit-vectors";

  @TempDir Path dir;

  @Test
  void anImportedNamespaceReadsAsTheExportedOne() throws IOException {
    Path file = dir.resolve("agent.jsonl");
    List<String> expected;
    Map<Long, float[]> vectors = new LinkedHashMap<>();
    try (Aeon aeon = Aeon.open(dir.resolve("source"), EngineTest.options())) {
      Memory m = aeon.namespace("agent");
      List<Long> ids = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        Remember r = Remember.event("s" + i % 3, i % 2 == 0 ? "user" : "assistant",
            "turn " + i + (i % 10 == 0 ? " \"quoted\"\nsecond line, ünïcödé 🙂" : ""))
            .at(i == 0 ? Long.MIN_VALUE : 1_700_000_000_000_000L + i * 1_000L)
            .attribute("n", (long) i).attribute("half", i / 2.0).attribute("even", i % 2 == 0)
            .attribute("name", "x" + i);
        if (i % 7 == 3) {
          r.withoutVector();
        } else {
          vectors.put((long) i, TestVectors.unit(i));
          r.vector(TestVectors.unit(i), MODEL);
        }
        ids.add(m.remember(r));
      }
      Map<String, Object> odd = new HashMap<>();
      odd.put("nan", Double.NaN);
      odd.put("inf", Double.NEGATIVE_INFINITY);
      odd.put("zero", -0.0);
      odd.put("tiny", Double.MIN_VALUE); // written 4.9E-324: a subnormal, not a number nearer to 0 than any double
      odd.put("max", Long.MAX_VALUE);
      odd.put("n", null); // removed
      m.setAttributes(ids.get(5), odd);
      m.link(ids.get(2), "REFERS_TO", ids.get(1), Long.MIN_VALUE, Long.MAX_VALUE);
      m.link(ids.get(4), "MENTIONS", ids.get(0), 10, 20);
      m.link(ids.get(6), "REFERS_TO", ids.get(9), 5, Long.MAX_VALUE);
      m.invalidate(ids.get(6), "REFERS_TO", ids.get(9), 50);
      m.link(ids.get(8), "REFERS_TO", ids.get(11), Long.MIN_VALUE, Long.MAX_VALUE);
      m.forget(ids.get(11)); // its event and its link are not exported
      vectors.remove(11L);
      expected = readAll(m);
      RecordedProgress exported = new RecordedProgress();
      assertEquals(new ExportCounts(59, 3), aeon.exportNamespace("agent", file, exported));
      assertEquals(List.of(59L, 59L), exported.last(TransferProgress.Step.EVENTS));
      assertEquals(List.of(4L, 4L), exported.last(TransferProgress.Step.LINKS), "stored links looked at");
      assertEquals(null, exported.last(TransferProgress.Step.CHECKING_BYTES));
      UncheckedIOException exists = assertThrows(UncheckedIOException.class, () -> aeon.exportNamespace("agent", file));
      assertInstanceOf(FileAlreadyExistsException.class, exists.getCause());
      assertThrows(IllegalArgumentException.class, () -> aeon.exportNamespace("nothing", dir.resolve("x.jsonl")));
    }
    // Into another memory whose engine embeds text: events exported without a vector stay without one.
    try (Aeon aeon = Aeon.open(dir.resolve("target"), EngineTest.options().withEmbedder(OnnxTextEmbedder.open()))) {
      RecordedProgress imported = new RecordedProgress();
      assertEquals(new ExportCounts(59, 3), aeon.importNamespace("copy", file, imported));
      assertEquals(List.of(Files.size(file), Files.size(file)), imported.last(TransferProgress.Step.CHECKING_BYTES));
      assertEquals(List.of(59L, 59L), imported.last(TransferProgress.Step.EVENTS));
      assertEquals(List.of(3L, 3L), imported.last(TransferProgress.Step.LINKS));
      Memory m = aeon.namespace("copy");
      assertEquals(expected, readAll(m));
      assertEquals(MODEL, m.stats().embeddingModel());
      assertEquals(vectors.size(), m.stats().vectors());
      for (Map.Entry<Long, float[]> v : vectors.entrySet()) {
        Recalled best = m.recall(Recall.vector(v.getValue(), 1).slb(false)).getFirst();
        assertTrue(best.event().text().startsWith("turn " + v.getKey()), best.event().text());
        assertEquals(1.0, best.score(), 1e-5);
      }
      IllegalStateException full = assertThrows(IllegalStateException.class, () -> aeon.importNamespace("copy", file));
      assertTrue(full.getMessage().contains("holds 59 events"), full.getMessage());
    }
  }

  @Test
  void aDamagedExportIsRefusedBeforeAnythingIsWritten() throws IOException {
    Path file = dir.resolve("agent.jsonl");
    try (Aeon aeon = Aeon.open(dir.resolve("source"), EngineTest.options())) {
      Memory m = aeon.memory();
      long a = m.remember(Remember.event("s", "user", "hello").vector(TestVectors.unit(1)));
      long b = m.remember(Remember.event("s", "user", "world").vector(TestVectors.unit(2)));
      m.link(b, "REFERS_TO", a, Long.MIN_VALUE, Long.MAX_VALUE);
      aeon.exportNamespace("default", file);
    }
    List<String> lines = Files.readAllLines(file);
    assertEquals(5, lines.size()); // header, two events, a link, the end
    Map<String, List<String>> damaged = new LinkedHashMap<>();
    damaged.put("line 3: not JSON", List.of(lines.get(0), lines.get(1), lines.get(2).substring(0, 30)));
    damaged.put("not an Aeon export", List.of(lines.get(0).replace("aeon-export", "other"), lines.get(1)));
    damaged.put("export of version 3", List.of(lines.get(0).replace("\"version\":2", "\"version\":3"), lines.get(1)));
    for (int cut = 1; cut < lines.size(); cut++) { // cut between two lines: only the end line tells
      damaged.put("no end line after its " + Math.min(cut - 1, 2) + " events and " + (cut > 3 ? 1 : 0)
          + " links: the file was cut short", lines.subList(0, cut));
    }
    damaged.put("its end line counts 2 events and 1 links, but it holds 2 and 0", List.of(lines.get(0), lines.get(1),
        lines.get(2), lines.get(4)));
    damaged.put("line 6: a line after the end line", List.of(lines.get(0), lines.get(1), lines.get(2), lines.get(3),
        lines.get(4), lines.get(3)));
    damaged.put("which is not in the file before it", List.of(lines.get(0), lines.get(1), lines.get(3)));
    damaged.put("unknown field 'colour'",
        List.of(lines.get(0), lines.get(1).replace("{\"id\"", "{\"colour\":1,\"id\"")));
    damaged.put("is in the file twice", List.of(lines.get(0), lines.get(1), lines.get(1)));
    damaged.put("an event after the links", List.of(lines.get(0), lines.get(1), lines.get(2), lines.get(3),
        lines.get(2)));
    damaged.put("a vector of 2 dimensions", List.of(lines.get(0),
        lines.get(1).replaceAll("\"vector\":\\[[^\\]]*\\]", "\"vector\":[1.0,2.0]")));
    damaged.put("Duplicate field", List.of(lines.get(0), lines.get(1).replace("{\"id\"", "{\"text\":\"x\",\"id\"")));
    damaged.put("is empty", List.of());
    // Numbers beyond a double's range were read as infinities, and so imported changed (the words Infinity and
    // -Infinity, which an export writes, are read as ever: anImportedNamespaceReadsAsTheExportedOne).
    damaged.put("line 2: the number 1e400 is beyond the range of a double", List.of(lines.get(0),
        lines.get(1).replace("\"attributes\":{}", "\"attributes\":{\"k\":1e400}"), lines.get(2), lines.get(3),
        lines.get(4)));
    damaged.put("line 3: the number -1.5E309 is beyond the range of a double", List.of(lines.get(0), lines.get(1),
        lines.get(2).replace("\"vector\":[", "\"vector\":[-1.5E309,"), lines.get(3), lines.get(4)));
    // and a nonzero number nearer to 0 than any double was read as 0.0 (or -0.0), another value as well
    damaged.put("line 2: the number 1e-400 is nearer to 0 than any double (it would be 0.0)", List.of(lines.get(0),
        lines.get(1).replace("\"attributes\":{}", "\"attributes\":{\"k\":1e-400}"), lines.get(2), lines.get(3),
        lines.get(4)));
    damaged.put("line 3: the number -2.4E-324 is nearer to 0 than any double (it would be -0.0)", List.of(lines.get(0),
        lines.get(1), lines.get(2).replace("\"vector\":[", "\"vector\":[-2.4E-324,"), lines.get(3), lines.get(4)));
    damaged.put("line 2: not JSON: Trailing token", List.of(lines.get(0), lines.get(1) + " {}"));
    damaged.put("session holds an unpaired surrogate",
        List.of(lines.get(0), lines.get(1).replace("\"s\"", "\"\\ud800\"")));
    damaged.put("edge type 'NEXT' cannot be stored", List.of(lines.get(0), lines.get(1), lines.get(2),
        lines.get(3).replace("REFERS_TO", "NEXT")));
    damaged.put("edge type 'NEXT' cannot be stored (NEXT is implicit)", List.of(lines.get(0), lines.get(1),
        lines.get(2), lines.get(3).replace("REFERS_TO", "NEXT")
            .replace("\"valid_to\":9223372036854775807", "\"valid_to\":-9223372036854775808")));
    try (Aeon aeon = Aeon.open(dir.resolve("target"), EngineTest.options())) {
      Path latin1 =
          Files.write(dir.resolve("latin1.jsonl"), (lines.get(0) + "\n" + lines.get(1).replace("hello", "h\u00e9llo")
          + "\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      UncheckedIOException notUtf8 = assertThrows(UncheckedIOException.class, () ->
          aeon.importNamespace("copy", latin1));
      assertTrue(notUtf8.getMessage().endsWith(latin1 + ", line 2: not valid UTF-8; nothing was kept: no namespace"
          + " was created"), notUtf8.getMessage());
      assertEquals(List.of(), aeon.namespaceNames(), "a refused import leaves no namespace it created");
      for (Map.Entry<String, List<String>> d : damaged.entrySet()) {
        Path bad = Files.write(dir.resolve("bad.jsonl"), d.getValue());
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> aeon.importNamespace("copy", bad),
            d.getKey());
        assertTrue(e.getMessage().contains(d.getKey()), d.getKey() + ": " + e.getMessage());
        assertEquals(0, aeon.namespace("copy").stats().events(), d.getKey() + ": written before it was refused");
      }
      assertEquals(new ExportCounts(2, 1), aeon.importNamespace("copy", file));
      // A version 1 export, which had no end line, is still read.
      Path v1 = Files.write(dir.resolve("v1.jsonl"), List.of(lines.get(0).replace("\"version\":2", "\"version\":1"),
          lines.get(1), lines.get(2), lines.get(3)));
      assertEquals(new ExportCounts(2, 1), aeon.importNamespace("from-v1", v1));
    }
  }

  /**
   * An export into the memory directory's own tmp/ folder was reported as written, and the next open deleted it;
   * one into its ns/ folder took the name of a namespace, which then failed to open. Both are refused, with nothing
   * written; beside ns/ in the memory directory itself is fine.
   */
  @Test
  void anExportIntoTheFoldersOfItsOwnMemoryIsRefused() throws IOException {
    Path memory = dir.resolve("memory");
    try (Aeon aeon = Aeon.open(memory, EngineTest.options())) {
      aeon.memory().remember(Remember.event("s", "user", "hello").withoutVector());
      Files.createDirectories(memory.resolve("tmp"));
      for (Path inside : List.of(memory.resolve("tmp/agent.jsonl"), memory.resolve("ns/agent"),
          memory.resolve("ns/default/agent.jsonl"), memory.resolve("other/../tmp/agent.jsonl"))) {
        assertExportRefused(aeon, inside, memory);
      }
      assertEquals(new ExportCounts(1, 0), aeon.exportNamespace("default", memory.resolve("agent.jsonl")));
      assertEquals(0, aeon.namespace("agent").stats().events());
    }
  }

  /**
   * Nor may an export go into the ns/ or tmp/ folder of another memory directory, as a backup may not: one under
   * its tmp/ was reported as written and deleted by that memory's next open, and an import refused to read it
   * meanwhile; one in its ns/ folder took the name of a namespace, and one in a namespace's folder went with that
   * namespace's drop. Beside ns/ in that directory is fine.
   */
  @Test
  void anExportIntoTheFoldersOfAnotherMemoryIsRefused() throws IOException {
    Path other = dir.resolve("other");
    try (Aeon aeon = Aeon.open(other, EngineTest.options())) {
      aeon.memory().remember(Remember.event("s", "user", "other's").withoutVector());
    }
    Files.createDirectories(other.resolve("tmp"));
    try (Aeon aeon = Aeon.open(dir.resolve("memory"), EngineTest.options())) {
      aeon.memory().remember(Remember.event("s", "user", "hello").withoutVector());
      for (Path inside : List.of(other.resolve("tmp/agent.jsonl"), other.resolve("ns/agent"),
          other.resolve("ns/default/agent.jsonl"), other.resolve("x/../tmp/agent.jsonl"))) {
        assertExportRefused(aeon, inside, other);
      }
      assertEquals(new ExportCounts(1, 0), aeon.exportNamespace("default", other.resolve("agent.jsonl")));
      assertEquals(new ExportCounts(1, 0), aeon.importNamespace("agent", other.resolve("agent.jsonl")));
    }
  }

  /** An export to {@code inside}, a file in the folders of the memory directory {@code owner}, is refused saying so. */
  private static void assertExportRefused(Aeon aeon, Path inside, Path owner) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> aeon.exportNamespace("default", inside), inside.toString());
    assertTrue(e.getMessage().startsWith("an export cannot go to " + inside + ", which is inside the ns/ or tmp/"
        + " folder of the memory directory " + owner), e.getMessage());
    assertFalse(Files.exists(inside), inside.toString());
  }

  /**
   * An import does not read a memory's lock files, nor anything else in its {@code ns/} or {@code tmp/} folder (no
   * export is there), of its own memory or another this process has open: it opened and closed them, and on POSIX
   * systems closing any descriptor of a file drops every lock the process holds on it, so that another process
   * could open the memory directory, or a namespace's log, while this one wrote it.
   */
  @Test
  void anImportFromAMemorysLockFilesIsRefusedAndLeavesThemLocked() throws Exception {
    Path memory = dir.resolve("memory");
    Path other = dir.resolve("other");
    try (Aeon aeon = Aeon.open(memory, EngineTest.options()); Aeon second = Aeon.open(other, EngineTest.options())) {
      aeon.memory().remember(Remember.event("s", "user", "hello").withoutVector());
      Path ns = memory.resolve("ns").resolve("default");
      List<Path> locks = List.of(memory.resolve(Aeon.LOCK_FILE), ns.resolve("wal").resolve("LOCK"),
          ns.resolve("blobs").resolve("blobs.lock"), other.resolve(Aeon.LOCK_FILE));
      for (Path lock : locks) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> aeon.importNamespace("agent", lock), lock.toString());
        assertTrue(e.getMessage().startsWith("an import cannot read " + lock), e.getMessage());
      }
      assertEquals(List.of("locked", "locked", "locked", "locked"), OtherProcessLock.tries(locks),
          "an import released a lock this process holds");
      assertEquals(List.of("default"), aeon.namespaceNames());
    }
  }

  /**
   * A file with a line longer than any export's (here a header, then a sparse run of zeros with no line end) is
   * refused at that line once the bound is passed. It was read whole into one array: past 1 GiB that array grew by
   * 64 KiB a step, copying everything each time, and the import hung without a word.
   */
  @Test
  void aLineLongerThanAnyExportHoldsIsRefusedAtTheBound() throws IOException {
    Path file = dir.resolve("huge.jsonl");
    Files.writeString(file, "{\"format\":\"aeon-export\",\"version\":2,\"namespace\":\"x\",\"embedding_model\":null,"
        + "\"dimension\":0}\n");
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(f.length() + Utf8Lines.MAX_LINE_BYTES + 1); // a hole: no disk space, reads as zeros
    }
    try (Aeon aeon = Aeon.open(dir.resolve("target"), EngineTest.options())) {
      UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> aeon.importNamespace("copy", file));
      assertTrue(e.getMessage().contains(file + ", line 2: longer than 128 MiB, which no line of an export is"),
          e.getMessage());
      assertEquals(List.of(), aeon.namespaceNames());
    }
  }

  /**
   * An import into a namespace that does not exist is built out of sight and appears whole: while it runs the
   * namespace does not exist; and a namespace of its name that another caller creates meanwhile is left as it is,
   * the import refused. Nothing of either is left under tmp/.
   */
  @Test
  void anImportIntoANewNamespaceAppearsOnlyWhole() throws IOException {
    Path file = exportOfTwoEvents();
    try (Aeon aeon = Aeon.open(dir.resolve("target"), EngineTest.options())) {
      List<Boolean> existed = new ArrayList<>();
      TransferProgress watch = (step, done, total) -> {
        if (step == TransferProgress.Step.EVENTS) {
          existed.add(aeon.exists("copy"));
        }
      };
      assertEquals(new ExportCounts(2, 0), aeon.importNamespace("copy", file, watch));
      assertEquals(List.of(false, false), existed, "the namespace, seen as each event went in");
      assertEquals(List.of("first", "second"), texts(aeon.namespace("copy")));
      assertEquals(List.of(), aeon.check("copy"));

      TransferProgress race = (step, done, total) -> {
        if (step == TransferProgress.Step.EVENTS && done == 1) {
          aeon.namespace("race").remember(Remember.event("s", "user", "theirs").withoutVector());
        }
      };
      IllegalStateException e = assertThrows(IllegalStateException.class, () ->
          aeon.importNamespace("race", file, race));
      assertEquals("namespace 'race' was created by another caller while the import ran: it is left as it is, and"
          + " the import was discarded", e.getMessage());
      assertEquals(List.of("theirs"), texts(aeon.namespace("race")));
      assertEquals(List.of("copy", "race"), aeon.namespaceNames());
      assertNothingUnderTmp(dir.resolve("target"));
    }
    try (Aeon aeon = Aeon.open(dir.resolve("target"), EngineTest.options())) {
      assertEquals(List.of("first", "second"), texts(aeon.namespace("copy")), "the imported namespace is durable");
    }
  }

  /**
   * An Aeon closed by the progress of its own export or import stops the transfer at its next step: the export's
   * half-written file is deleted, the import creates no namespace, and each says the Aeon was closed.
   */
  @Test
  void anExportOrImportWhoseProgressClosesTheAeonStopsAndSaysSo() throws IOException {
    Path file = exportOfTwoEvents();
    Aeon source = Aeon.open(dir.resolve("source"), EngineTest.options());
    Path stopped = dir.resolve("stopped.jsonl");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> source.exportNamespace("default", stopped, closingAtTheFirstEvent(source)));
    assertEquals("this Aeon is closed", e.getMessage());
    assertFalse(Files.exists(stopped), "half an export was left");
    Aeon target = Aeon.open(dir.resolve("target"), EngineTest.options());
    e = assertThrows(IllegalStateException.class,
        () -> target.importNamespace("copy", file, closingAtTheFirstEvent(target)));
    assertEquals("this Aeon was closed while namespace 'copy' was imported; nothing was kept: no namespace"
        + " was created", e.getMessage());
    try (Aeon reopened = Aeon.open(dir.resolve("target"), EngineTest.options())) {
      assertEquals(List.of(), reopened.namespaceNames());
    }
  }

  /**
   * An import whose caller is interrupted before its rename into place (here by its own progress) creates or replaces
   * the namespace all the same, and keeps the interrupt for the caller: the rename forced the folder through a
   * channel the interrupt closed, so the import failed after the rename, saying "nothing was kept: no namespace was
   * created" of a namespace it had created, which then held the import.
   */
  @Test
  void anImportWhoseCallerIsInterruptedBeforeItsRenameIsTrueToWhatItDid() throws IOException {
    Path file = exportOfTwoEvents();
    TransferProgress interruptingBeforeTheRename = (step, done, total) -> {
      if (step == TransferProgress.Step.FINISHING && done == 2) {
        Thread.currentThread().interrupt();
      }
    };
    try (Aeon aeon = Aeon.open(dir.resolve("target"), EngineTest.options())) {
      aeon.namespace("empty").stats(); // replaced by its import
      for (String name : List.of("new", "empty")) {
        try {
          assertEquals(new ExportCounts(2, 0), aeon.importNamespace(name, file, interruptingBeforeTheRename), name);
        } finally {
          assertTrue(Thread.interrupted(), "the interrupt was not kept");
        }
        assertEquals(List.of("first", "second"), texts(aeon.namespace(name)), name);
      }
      assertNothingUnderTmp(dir.resolve("target"));
    }
    try (Aeon aeon = Aeon.open(dir.resolve("target"), EngineTest.options())) {
      assertEquals(List.of("empty", "new"), aeon.namespaceNames());
      assertEquals(List.of("first", "second"), texts(aeon.namespace("new")));
    }
  }

  /**
   * The records of an export's snapshot are replayed, and reported, on a thread of their own: a close called from
   * that report waited for the export, which waited for the replay, which waited for the close, until the close
   * gave up after {@link Transfers#TIMEOUT} (two minutes) with a warning. It returns at once now, as from the
   * export's own thread, and the export stops at its next step.
   */
  @Test
  void aCloseCalledFromTheProgressOfASnapshotsReplayDoesNotWaitForTheExport() {
    // no background checkpoint: the records written stay in the log after the last checkpoint, to be replayed
    Aeon aeon = Aeon.open(dir.resolve("source"), EngineTest.options().withCheckpoints(1L << 40,
        java.time.Duration.ofDays(1)));
    for (int i = 0; i < 3; i++) {
      aeon.memory().remember(Remember.event("s", "user", "event " + i).vector(TestVectors.unit(i)));
    }
    Path stopped = dir.resolve("stopped.jsonl");
    boolean[] closedFromReplay = {false};
    TransferProgress closingAtTheFirstRecord = (step, done, total) -> {
      if (step == TransferProgress.Step.REPLAYING && !closedFromReplay[0]) {
        closedFromReplay[0] = true;
        aeon.close();
      }
    };
    try (LoggedWarnings warnings = LoggedWarnings.of(Transfers.class)) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> aeon.exportNamespace("default", stopped, closingAtTheFirstRecord));
      assertEquals("this Aeon is closed", e.getMessage());
      assertTrue(closedFromReplay[0]);
      assertEquals(List.of(), warnings.list(), "the close waited for the export that called it");
    }
    assertFalse(Files.exists(stopped), "half an export was left");
    try (Aeon reopened = Aeon.open(dir.resolve("source"), EngineTest.options())) {
      assertEquals(3, reopened.memory().stats().events());
    }
  }

  /**
   * Every phase of an export or import reports its progress: an export's snapshot (the bytes of the namespace
   * copied, then the records of its log replayed to open the copy) and an import's last phase (its closing checkpoint
   * and its rename into place), which before reported nothing: seconds of silence for a large namespace.
   */
  @Test
  void anExportReportsItsSnapshotAndAnImportItsLastPhase() throws IOException {
    Path file = dir.resolve("agent.jsonl");
    // no background checkpoint: the records written stay in the log after the last checkpoint, to be replayed
    AeonOptions options = EngineTest.options().withCheckpoints(1L << 40, java.time.Duration.ofDays(1));
    try (Aeon aeon = Aeon.open(dir.resolve("source"), options)) {
      for (int i = 0; i < 20; i++) {
        aeon.memory().remember(Remember.event("s", "user", "event " + i).vector(TestVectors.unit(i)));
      }
      RecordedProgress exported = new RecordedProgress();
      aeon.exportNamespace("default", file, exported);
      List<Long> copied = exported.last(TransferProgress.Step.SNAPSHOT_BYTES);
      assertTrue(copied != null && copied.get(0).equals(copied.get(1)), "bytes copied: " + copied);
      List<Long> replayed = exported.last(TransferProgress.Step.REPLAYING); // the events', and the model's first use
      assertTrue(replayed != null && replayed.get(0) >= 20 && replayed.get(0).equals(replayed.get(1)),
          "records replayed: " + replayed);
      assertEquals(null, exported.last(TransferProgress.Step.FINISHING));
    }
    try (Aeon aeon = Aeon.open(dir.resolve("target"), options)) {
      RecordedProgress imported = new RecordedProgress();
      aeon.importNamespace("copy", file, imported);
      assertEquals(List.of(2L, 2L), imported.last(TransferProgress.Step.FINISHING));
      assertEquals(null, imported.last(TransferProgress.Step.SNAPSHOT_BYTES));
    }
  }

  private static TransferProgress closingAtTheFirstEvent(Aeon aeon) {
    return (step, done, total) -> {
      if (step == TransferProgress.Step.EVENTS && done == 1) {
        aeon.close();
      }
    };
  }

  /**
   * A close on another thread stops an export in flight and waits until it has deleted its snapshot under tmp/ and
   * its half-written file. Before, the close released the directory at once: the export read on from files that
   * the next open deletes, and deleted in its turn that open's working copy of the same name.
   */
  @Test
  void aCloseStopsAnExportInFlightAndWaitsForItToCleanUp() throws Exception {
    Path memory = dir.resolve("source");
    Path file = dir.resolve("stopped.jsonl");
    Aeon aeon = Aeon.open(memory, EngineTest.options());
    for (int i = 0; i < 3; i++) {
      aeon.memory().remember(Remember.event("s", "user", "event " + i).withoutVector());
    }
    String closed = closeWhileHeld(aeon, memory, held -> aeon.exportNamespace("default", file, held),
        () -> List.of(Files.exists(file)));
    assertEquals("this Aeon is closed", closed);
  }

  /** As {@link #aCloseStopsAnExportInFlightAndWaitsForItToCleanUp}, for an import: nothing of it is left. */
  @Test
  void aCloseStopsAnImportInFlightAndWaitsForItToCleanUp() throws Exception {
    Path file = exportOfTwoEvents();
    Path memory = dir.resolve("target");
    Aeon aeon = Aeon.open(memory, EngineTest.options());
    String closed = closeWhileHeld(aeon, memory, held -> aeon.importNamespace("copy", file, held),
        () -> List.of(Files.exists(memory.resolve("ns").resolve("copy"))));
    assertEquals("this Aeon was closed while namespace 'copy' was imported; nothing was kept: no namespace was"
        + " created", closed);
  }

  /**
   * Runs {@code transfer} with a progress that holds it at its first event, closes {@code aeon} on another thread,
   * lets the transfer go once the close waits (or has returned), and checks that when the close returned nothing
   * was left under tmp/ and {@code leftBehind} found nothing (false each). Returns the transfer's failure.
   */
  private static String closeWhileHeld(Aeon aeon, Path memory, java.util.function.Function<TransferProgress, ?>
      transfer, java.util.concurrent.Callable<List<Boolean>> leftBehind) throws Exception {
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    TransferProgress held = (step, done, total) -> {
      if (step == TransferProgress.Step.EVENTS && done == 1) {
        holding.countDown();
        try {
          await(release);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
    try (ExecutorService runs = Executors.newVirtualThreadPerTaskExecutor()) {
      CompletableFuture<Object> running = CompletableFuture.supplyAsync(() -> transfer.apply(held), runs);
      assertTrue(holding.await(60, TimeUnit.SECONDS), "the transfer did not start");
      CompletableFuture<List<Object>> whenClosed = new CompletableFuture<>();
      Thread closer = Thread.ofPlatform().start(() -> {
        try {
          aeon.close();
          List<Object> left = new ArrayList<>(scratch(memory));
          left.addAll(leftBehind.call());
          whenClosed.complete(left);
        } catch (Throwable t) {
          whenClosed.completeExceptionally(t);
        }
      });
      while (closer.getState() != Thread.State.TIMED_WAITING && closer.isAlive()) {
        Thread.sleep(5); // the close waits for the transfer (or, before, returned at once)
      }
      release.countDown();
      assertEquals(List.of(false), whenClosed.get(60, TimeUnit.SECONDS),
          "left under tmp/, or left behind, when the close returned");
      java.util.concurrent.ExecutionException failed =
          assertThrows(java.util.concurrent.ExecutionException.class, () -> running.get(60, TimeUnit.SECONDS));
      return assertInstanceOf(IllegalStateException.class, failed.getCause()).getMessage();
    }
  }

  /** An export of one namespace holding two events of session {@code s}, "first" and "second". */
  private Path exportOfTwoEvents() {
    Path file = dir.resolve("two.jsonl");
    try (Aeon aeon = Aeon.open(dir.resolve("source"), EngineTest.options())) {
      aeon.memory().remember(Remember.event("s", "user", "first").withoutVector());
      aeon.memory().remember(Remember.event("s", "user", "second").withoutVector());
      aeon.exportNamespace("default", file);
    }
    return file;
  }

  /** Nothing left under the memory's tmp/: what imports built, and the namespaces they replaced. */
  private static void assertNothingUnderTmp(Path memory) throws IOException {
    try (var scratch = Files.list(memory.resolve("tmp"))) {
      assertEquals(List.of(), scratch.toList());
    }
  }

  /** The texts of session {@code s}, oldest first. */
  private static List<String> texts(Memory m) {
    return m.history("s", 10).reversed().stream().map(Event::text).toList();
  }

  /**
   * An import into a namespace that exists and holds no event replaces it whole: here one whose forgotten first
   * vector had fixed another dimension than the file's, which made the import fail part way when it wrote into the
   * namespace itself. Its stale handles say what happened; one holding events is refused before anything is built.
   */
  @Test
  void anImportReplacesAnExistingEmptyNamespace() throws IOException {
    Path file = dir.resolve("agent.jsonl");
    try (Aeon aeon = Aeon.open(dir.resolve("source"), EngineTest.options())) {
      Memory m = aeon.memory();
      long a = m.remember(Remember.event("s", "user", "without a vector").withoutVector());
      long b = m.remember(Remember.event("s", "user", "without one too").withoutVector());
      m.link(b, "REFERS_TO", a, Long.MIN_VALUE, Long.MAX_VALUE);
      m.remember(Remember.event("s", "user", "with a vector").vector(TestVectors.unit(1)));
      aeon.exportNamespace("default", file);
    }
    try (Aeon aeon = Aeon.open(dir.resolve("target"), EngineTest.options())) {
      Memory stale = aeon.namespace("copy");
      assertTrue(
          stale.forget(
              stale.remember(Remember.event("s", "user", "5 dimensions").vector(new float[] {1, 0, 0, 0, 0}))));
      assertEquals(new ExportCounts(3, 1), aeon.importNamespace("copy", file));
      assertEquals("namespace 'copy' is closed: an import replaced it; Aeon.namespace(\"copy\") opens the imported one",
          assertThrows(IllegalStateException.class, stale::stats).getMessage());
      Memory copy = aeon.namespace("copy");
      assertEquals(List.of("without a vector", "without one too", "with a vector"), texts(copy));
      assertEquals(1, copy.stats().edges());
      assertEquals(List.of(), aeon.check("copy"));
      assertEquals(List.of("copy"), aeon.namespaceNames());

      IllegalStateException full = assertThrows(IllegalStateException.class, () -> aeon.importNamespace("copy", file));
      assertEquals("namespace 'copy' holds 3 events: an import goes into an empty namespace", full.getMessage());

      aeon.namespace("closed").forget(
          aeon.namespace("closed").remember(Remember.event("s", "user", "x").withoutVector()));
      assertTrue(aeon.closeNamespace("closed"));
      assertEquals(new ExportCounts(3, 1), aeon.importNamespace("closed", file), "replaced without being open");
      assertEquals(3, aeon.namespace("closed").stats().events());
      assertNothingUnderTmp(dir.resolve("target"));
    }
    try (Aeon aeon = Aeon.open(dir.resolve("target"), EngineTest.options())) {
      assertEquals(List.of("without a vector", "without one too", "with a vector"), texts(aeon.namespace("copy")),
          "the imported namespace is durable");
    }
  }

  /**
   * An event written into the empty namespace while an import into it runs is kept: the import is refused when it
   * would replace the namespace, and nothing of it is left.
   */
  @Test
  void anEventWrittenMeanwhileIntoTheNamespaceAnImportWouldReplaceIsKept() throws IOException {
    Path file = exportOfTwoEvents();
    try (Aeon aeon = Aeon.open(dir.resolve("target"), EngineTest.options())) {
      Memory race = aeon.namespace("race");
      race.forget(race.remember(Remember.event("s", "user", "gone").withoutVector()));
      TransferProgress write = (step, done, total) -> {
        if (step == TransferProgress.Step.EVENTS && done == 1) {
          race.remember(Remember.event("s", "user", "theirs").withoutVector());
        }
      };
      IllegalStateException e = assertThrows(IllegalStateException.class, () ->
          aeon.importNamespace("race", file, write));
      assertEquals("namespace 'race' was written by another caller while the import ran: it is left as it is, and"
          + " the import was discarded", e.getMessage());
      assertEquals(List.of("theirs"), texts(race), "the handle still works");
      assertNothingUnderTmp(dir.resolve("target"));
    }
    try (Aeon aeon = Aeon.open(dir.resolve("target"), EngineTest.options())) {
      assertEquals(List.of("theirs"), texts(aeon.namespace("race")));
    }
  }

  /**
   * An import whose namespace to replace was closed meanwhile opens it again to see that it still holds no event;
   * when that open fails (its files damaged), the import fails saying, as other failed imports do, that nothing was
   * kept: it threw the open's failure alone, which did not say that an import had failed, nor what became of it.
   */
  @Test
  void anImportThatCannotOpenTheNamespaceItReplacesSaysNothingWasKept() throws IOException {
    Path file = exportOfTwoEvents();
    Path memory = dir.resolve("target");
    Path checkpoint = memory.resolve("ns").resolve("race").resolve("wal").resolve("CHECKPOINT");
    try (Aeon aeon = Aeon.open(memory, EngineTest.options())) {
      Memory race = aeon.namespace("race");
      race.forget(race.remember(Remember.event("s", "user", "gone").withoutVector()));
      TransferProgress damage = (step, done, total) -> {
        if (step == TransferProgress.Step.EVENTS && done == 1) {
          aeon.closeNamespace("race");
          try {
            Files.writeString(checkpoint, "damaged");
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      };
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> aeon.importNamespace("race", file, damage));
      assertTrue(e.getMessage().startsWith("import into namespace 'race' failed: the namespace it would replace"
          + " cannot be opened to see that it still holds no event ("), e.getMessage());
      assertTrue(e.getMessage().endsWith("); nothing was kept: namespace 'race' is as it was"), e.getMessage());
      assertInstanceOf(dev.aeon.common.io.FileFormatException.class, e.getCause());
      assertEquals("damaged", Files.readString(checkpoint), "its files are as they were");
      assertTrue(aeon.exists("race"));
      assertNothingUnderTmp(memory);
    }
  }

  @Test
  void writersGoOnWhileAnExportIsWrittenAndTheExportHoldsWhatCameBeforeIt() throws Exception {
    Path file = dir.resolve("agent.jsonl");
    CountDownLatch exporting = new CountDownLatch(1);
    CountDownLatch written = new CountDownLatch(1);
    // the common pool has one thread on 2 cores
    try (ExecutorService runs = Executors.newVirtualThreadPerTaskExecutor();
         Aeon aeon = Aeon.open(dir.resolve("source"), EngineTest.options())) {
      Memory m = aeon.memory();
      for (int i = 0; i < 20; i++) {
        m.remember(Remember.event("s0", "user", "before " + i).vector(TestVectors.unit(i)));
      }
      // The export stops at its first write until the writer below has written: under the namespace's write
      // lock (as exports were before they read a snapshot), that write would wait for the export forever.
      CompletableFuture<ExportCounts> export = CompletableFuture.supplyAsync(() -> aeon.exportNamespace("default",
          file, TransferProgress.NONE, out -> new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
              exporting.countDown();
              await(written);
              out.write(b, off, len);
            }
          }), runs);
      assertTrue(exporting.await(60, TimeUnit.SECONDS), "the export did not start writing");
      long during = CompletableFuture.supplyAsync(() -> m.remember(Remember.event("s0", "user", "during")
          .vector(TestVectors.unit(99))), runs).get(60, TimeUnit.SECONDS);
      m.forget(m.history("s0", Integer.MAX_VALUE).getLast().id()); // the oldest: "before 0"
      written.countDown();
      assertEquals(new ExportCounts(20, 0), export.get(60, TimeUnit.SECONDS));
      assertEquals(List.of(), scratch(aeon.directory()), "the export's snapshot was not deleted");
      assertEquals("during", m.history("s0", 1).getFirst().text());
      assertEquals(during, m.history("s0", 1).getFirst().id());
    }
    try (Aeon aeon = Aeon.open(dir.resolve("target"), EngineTest.options())) {
      aeon.importNamespace("copy", file);
      List<String> texts = aeon.namespace("copy").history("s0", Integer.MAX_VALUE).stream().map(Event::text).toList();
      assertEquals(java.util.stream.IntStream.range(0, 20).mapToObj(i -> "before " + (19 - i)).toList(), texts);
    }
  }

  private static List<Path> scratch(Path memory) throws IOException {
    Path tmp = memory.resolve("tmp");
    if (!Files.exists(tmp)) {
      return List.of();
    }
    try (var listed = Files.list(tmp)) {
      return listed.toList();
    }
  }

  /**
   * Releases before this one let an invalidation end a link at or before its start. Such a link is valid at no
   * time, no query sees it, and an import would refuse it: the export leaves it out.
   */
  @Test
  void aLinkValidAtNoTimeIsNotExported() throws IOException {
    Path source = dir.resolve("source");
    long a;
    long b;
    try (Aeon aeon = Aeon.open(source, EngineTest.options())) {
      Memory m = aeon.memory();
      a = m.remember(Remember.event("s", "user", "a").vector(TestVectors.unit(1)));
      b = m.remember(Remember.event("s", "user", "b").vector(TestVectors.unit(2)));
      m.link(a, "ENDED_AT_START", b, 500, Long.MAX_VALUE);
      m.link(a, "ENDED_BEFORE_START", b, 500, Long.MAX_VALUE);
      m.link(a, "KEPT", b, 500, Long.MAX_VALUE);
    }
    for (Mutation old : List.<Mutation>of(new Mutation.Invalidate(a, "ENDED_AT_START", b, 500),
        new Mutation.Invalidate(a, "ENDED_BEFORE_START", b, 100))) {
      try (Wal wal = Wal.open(source.resolve("ns").resolve("default").resolve("wal"), WalOptions.defaults())) {
        wal.appendAndWait(MutationCodec.type(old), MutationCodec.encode(old)); // as an older release logged it
      }
    }
    Path file = dir.resolve("export.jsonl");
    try (Aeon aeon = Aeon.open(source, EngineTest.options())) {
      assertEquals(new ExportCounts(2, 1), aeon.exportNamespace("default", file));
    }
    try (Aeon aeon = Aeon.open(dir.resolve("copy"), EngineTest.options())) {
      assertEquals(new ExportCounts(2, 1), aeon.importNamespace("default", file));
      assertEquals(List.of(List.of("NEXT"), List.of("KEPT")),
          aeon.memory().query("MATCH (x)-[r]->(y) AS OF 600 RETURN type(r)", Map.of()).rows());
    }
  }

  /**
   * An export of an older release may hold what this one refuses for new data: an attribute named like an
   * event's own property, and a link valid at no time. The import restores the first and skips the second.
   */
  @Test
  void anOlderExportIsImportedWhole() throws IOException {
    Path file = dir.resolve("older.jsonl");
    Files.writeString(file, """
        {"format":"aeon-export","version":2,"namespace":"default","embedding_model":null,"dimension":0}
        {"id":7,"session":"s","role":"user","at":10,"text":"a","attributes":{"role":"admin","ts":5}}
        {"id":9,"session":"s","role":"user","at":20,"text":"b","attributes":{}}
        {"link":"ENDED_AT_START","from":9,"to":7,"valid_from":500,"valid_to":500}
        {"link":"KEPT","from":9,"to":7,"valid_from":500,"valid_to":9223372036854775807}
        {"end_events":2,"end_links":2}
        """);
    try (Aeon aeon = Aeon.open(dir.resolve("copy"), EngineTest.options())) {
      RecordedProgress progress = new RecordedProgress();
      assertEquals(new ExportCounts(2, 1), aeon.importNamespace("default", file, progress));
      assertEquals(List.of(1L, 1L), progress.last(TransferProgress.Step.LINKS));
      Memory m = aeon.memory();
      assertEquals(Map.of("role", "admin", "ts", 5L), m.history("s", 10).getLast().attributes());
      assertEquals(List.of(List.of("NEXT"), List.of("KEPT")),
          m.query("MATCH (x)-[r]->(y) AS OF 600 RETURN type(r)", Map.of()).rows());
      assertThrows(IllegalArgumentException.class, () -> m.setAttributes(1, Map.of("role", "other")),
          "new values still refused");
    }
  }

  /**
   * A file that an editor saved with a byte order mark before its first line (Windows' Notepad does) is imported:
   * JSON's RFC 8259 lets a reader ignore one. Only there: a mark starting a later line is not JSON.
   */
  @Test
  void aByteOrderMarkBeforeTheFirstLineIsIgnored() throws IOException {
    Path file = dir.resolve("edited.jsonl");
    String header = "{\"format\":\"aeon-export\",\"version\":2,\"namespace\":\"default\",\"embedding_model\":null,"
        + "\"dimension\":0}\n";
    String event = "{\"id\":7,\"session\":\"s\",\"role\":\"user\",\"at\":10,\"text\":\"a\",\"attributes\":{}}\n";
    String end = "{\"end_events\":1,\"end_links\":0}\n";
    Files.writeString(file, "\uFEFF" + header + event + end);
    try (Aeon aeon = Aeon.open(dir.resolve("copy"), EngineTest.options())) {
      assertEquals(new ExportCounts(1, 0), aeon.importNamespace("default", file));
      assertEquals("a", aeon.memory().history("s", 10).getLast().text());
      Files.writeString(file, header + "\uFEFF" + event + end);
      UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> aeon.importNamespace("other", file));
      assertTrue(e.getMessage().contains("line 2: not JSON"), e.getMessage());
    }
  }

  /**
   * The import keeps the exported vectors bit for bit. The index scaled each one to unit length again, which
   * moved about one component in 10,000 by a float step, and each round trip again.
   */
  @Test
  void vectorsSurviveARoundTripBitForBit() throws IOException {
    Random r = new Random(5);
    int dim = 16; // on the old code 8 of these 80,000 components moved
    try (Aeon aeon = Aeon.open(dir.resolve("source"), EngineTest.options())) {
      Memory m = aeon.memory();
      for (int i = 0; i < 5000; i++) {
        float[] v = new float[dim];
        for (int j = 0; j < dim; j++) {
          v[j] = (float) r.nextGaussian();
        }
        m.remember(Remember.event("s", "user", "t" + i).vector(v));
      }
      aeon.exportNamespace("default", dir.resolve("one.jsonl"));
      aeon.importNamespace("copy", dir.resolve("one.jsonl"));
      aeon.exportNamespace("copy", dir.resolve("two.jsonl"));
    }
    List<String> one = Files.readAllLines(dir.resolve("one.jsonl"));
    List<String> two = Files.readAllLines(dir.resolve("two.jsonl"));
    for (int i = 1; i <= 5000; i++) { // the events' lines: the same but for the namespace in the header
      assertEquals(one.get(i), two.get(i), "line " + (i + 1));
    }
  }

  /** The last report of each step; checks that every step counts up, never past its total. */
  private static final class RecordedProgress implements TransferProgress {
    private final Map<Step, List<Long>> last = new EnumMap<>(Step.class);

    @Override
    public void report(Step step, long done, long total) {
      List<Long> before = last.get(step);
      assertTrue(done >= 1 && done <= total, step + ": " + done + " of " + total);
      assertTrue(before == null || (done > before.get(0) && total == before.get(1)), step + ": " + before + " then "
          + done + " of " + total);
      last.put(step, List.of(done, total));
    }

    List<Long> last(Step step) {
      return last.get(step);
    }
  }

  private static void await(CountDownLatch latch) throws IOException {
    try {
      if (!latch.await(60, TimeUnit.SECONDS)) {
        throw new IOException("the writer did not write within 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException();
    }
  }

  /** Attributes with their types: a NaN read back as the text "NaN" prints as the same word. */
  private static String typed(Map<String, Object> attributes) {
    StringBuilder sb = new StringBuilder();
    new java.util.TreeMap<>(attributes).forEach((k, v) -> sb.append(k).append('=').append(v).append(':')
        .append(v.getClass().getSimpleName()).append(' '));
    return sb.toString();
  }

  /** Every session's history (ids left out: an import gives new ones) and every link, valid or not. */
  private static List<String> readAll(Memory m) {
    List<String> read = new ArrayList<>();
    for (int s = 0; s < 3; s++) {
      for (Event e : m.history("s" + s, Integer.MAX_VALUE)) {
        read.add(e.session() + " " + e.role() + " " + e.timestampMicros() + " " + e.hasVector() + " " + e.text()
            + " " + typed(e.attributes()));
      }
    }
    for (long asOf : new long[] {15, 40, 60}) {
      read.add("as of " + asOf + ": " + m.query("MATCH (a)-[r]->(b) AS OF " + asOf + " WHERE r.type <> 'NEXT'"
          + " RETURN a.text, r.type, b.text, r.valid_from, r.valid_to ORDER BY a.text", Map.of()).rows());
    }
    read.add("current: " + m.query("MATCH (a)-[r:REFERS_TO]->(b) RETURN a.text, b.text ORDER BY a.text", Map.of())
        .rows());
    return read;
  }
}
