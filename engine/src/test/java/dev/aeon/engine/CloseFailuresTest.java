package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.testing.FailingLog;
import dev.aeon.common.testing.LoggedWarnings;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A close that fails more than once throws the first failure, the later ones suppressed in it, and leaves nothing
 * undone for them. The failures are real: a namespace's blob arena cut short under its mapping by another writer of
 * the file (a {@code SIGBUS}, which the JVM throws as an {@code InternalError}) fails its last checkpoint with an
 * Error, where it writes the arena's commit record, and then the close of its stores, which writes it again.
 */
class CloseFailuresTest {

  private static final AeonOptions ONLY_THE_LAST_CHECKPOINT =
      AeonOptions.defaults().withCheckpoints(1L << 40, Duration.ofDays(1));

  @TempDir Path dir;

  /**
   * The checkpoint's Error is thrown, the stores' failure to close suppressed in it: the stores' failure, thrown from
   * a finally, replaced it, and the checkpoint's was lost.
   */
  @Test
  void anErrorOfTheLastCheckpointIsThrownFirstWhenTheStoresThenFailToClose() throws IOException {
    Aeon aeon = Aeon.open(dir, ONLY_THE_LAST_CHECKPOINT);
    aeon.memory().remember(Remember.event("s", "user", "a text for the arena"));
    cutArenaShort(Aeon.DEFAULT_NAMESPACE);
    InternalError thrown = assertThrows(InternalError.class, aeon::close);
    assertTrue(passedThrough(thrown, "DurableMemory", "checkpointNow"), () -> "not the checkpoint's: " + trace(thrown));
    assertEquals(1, thrown.getSuppressed().length, () -> trace(thrown));
    assertTrue(passedThrough(thrown.getSuppressed()[0], "BlobArena", "close"), () -> trace(thrown));
    Aeon.open(dir, ONLY_THE_LAST_CHECKPOINT).close(); // the directory was released all the same
  }

  /**
   * An Error from one namespace's close leaves no other namespace of the Aeon unclosed: the loop over them caught
   * exceptions only, so the namespaces after it stayed open, their files mapped and their logs locked. Each is
   * closed, and the first failure thrown with the others suppressed in it.
   */
  @Test
  void anErrorClosingOneNamespaceLeavesNoOtherUnclosed() throws IOException {
    Aeon aeon = Aeon.open(dir, ONLY_THE_LAST_CHECKPOINT);
    List<String> names = List.of("a", "b");
    for (String name : names) {
      aeon.namespace(name).remember(Remember.event("s", "user", "a text of " + name));
      cutArenaShort(name);
    }
    InternalError thrown = assertThrows(InternalError.class, aeon::close);
    List<Throwable> suppressed = List.of(thrown.getSuppressed());
    assertEquals(2, suppressed.size(), () -> "the other namespace was not closed: " + trace(thrown));
    assertTrue(passedThrough(suppressed.get(0), "BlobArena", "close"), () -> trace(thrown));
    assertTrue(passedThrough(suppressed.get(1), "DurableMemory", "checkpointNow"), () -> trace(thrown));
    assertTrue(passedThrough(suppressed.get(1).getSuppressed()[0], "BlobArena", "close"), () -> trace(thrown));
  }

  /**
   * A namespace whose close fails with an Error is dropped all the same: its files are deleted next, so what closing
   * it reports is only logged, as an exception is. The Error ended the drop before the files were moved away and
   * left the closed instance in use: every later {@code namespace(name)} handed it out, each call on it refused.
   */
  @Test
  void aNamespaceWhoseCloseFailsWithAnErrorIsDroppedAllTheSame() throws IOException {
    try (Aeon aeon = Aeon.open(dir, ONLY_THE_LAST_CHECKPOINT);
        LoggedWarnings logged = LoggedWarnings.of(Aeon.class)) {
      aeon.namespace("a").remember(Remember.event("s", "user", "a text for the arena"));
      cutArenaShort("a");
      assertTrue(aeon.dropNamespace("a"));
      assertEquals(1, logged.list().size(), logged.list()::toString);
      assertTrue(logged.list().getFirst().startsWith("namespace 'a' reported on close before it was dropped:"
          + " java.lang.InternalError"), logged.list().getFirst());
      assertFalse(Files.exists(dir.resolve("ns").resolve("a")), "the namespace's files are still there");
      assertEquals(0, aeon.namespace("a").stats().events(), "a new namespace of that name is empty");
    }
  }

  /**
   * A drop whose warning of the failed close cannot be logged (a log handler that throws, or memory run out as the
   * line is made) goes on: the log handler's failure ended the drop with the files in place and the closed instance
   * handed out by every later {@code namespace(name)}.
   */
  @Test
  void aNamespaceWhoseCloseFailsIsDroppedEvenWhenTheWarningCannotBeLogged() throws IOException {
    try (Aeon aeon = Aeon.open(dir, ONLY_THE_LAST_CHECKPOINT)) {
      aeon.namespace("a").remember(Remember.event("s", "user", "a text for the arena"));
      cutArenaShort("a");
      try (FailingLog broken = FailingLog.of(Aeon.class)) {
        assertTrue(aeon.dropNamespace("a"));
        assertFalse(broken.threads().isEmpty(), "the drop logged nothing: the test shows nothing");
      }
      assertFalse(Files.exists(dir.resolve("ns").resolve("a")), "the namespace's files are still there");
      assertEquals(0, aeon.namespace("a").stats().events(), "a new namespace of that name is empty");
    }
  }

  /**
   * A namespace whose close fails with an Error is closed all the same: {@code closeNamespace} threw the Error before
   * taking the closed instance out of the open ones, so every later {@code namespace(name)} handed it out, each call
   * on it refused as closed. It now opens the namespace again from its files, which reports the damage.
   */
  @Test
  void aNamespaceWhoseCloseFailsWithAnErrorIsOpenedAgainFromItsFiles() throws IOException {
    try (Aeon aeon = Aeon.open(dir, ONLY_THE_LAST_CHECKPOINT)) {
      aeon.namespace("a").remember(Remember.event("s", "user", "a text for the arena"));
      cutArenaShort("a");
      assertThrows(InternalError.class, () -> aeon.closeNamespace("a"));
      assertFalse(aeon.openNamespaceNames().contains("a"), "the closed namespace is still handed out");
      RuntimeException reopened = assertThrows(RuntimeException.class, () -> aeon.namespace("a"));
      assertTrue(trace(reopened).contains("file of 0 bytes is shorter than the header"), () -> trace(reopened));
    }
  }

  /**
   * A namespace holding no event whose close fails with an Error is replaced by an import all the same: its files are
   * deleted next, so what closing it reports is only logged, as an exception is. The Error ended the import, which
   * left the closed instance in use: every later {@code namespace(name)} handed it out, each call on it refused with
   * "an import replaced it", though none had.
   */
  @Test
  void aNamespaceWhoseCloseFailsWithAnErrorIsReplacedByAnImportAllTheSame() throws IOException {
    Path export = dir.resolve("b.export");
    try (Aeon aeon = Aeon.open(dir, ONLY_THE_LAST_CHECKPOINT);
        LoggedWarnings logged = LoggedWarnings.of(DurableMemory.class)) {
      aeon.namespace("b").remember(Remember.event("s", "user", "the imported text"));
      aeon.exportNamespace("b", export);
      Memory a = aeon.namespace("a");
      a.forget(a.remember(Remember.event("s", "user", "a text for the arena")));
      cutArenaShort("a");
      aeon.importNamespace("a", export);
      assertEquals(1, logged.list().size(), logged.list()::toString);
      assertTrue(logged.list().getFirst().startsWith("namespace 'a' reported on close before an import replaced it:"
          + " java.lang.InternalError"), logged.list().getFirst());
      assertEquals(List.of("the imported text"),
          aeon.namespace("a").history("s", 10).stream().map(Event::text).toList());
    }
  }

  /** Cuts the namespace's blob arena to nothing, as another process could, while the arena has it mapped. */
  private void cutArenaShort(String namespace) throws IOException {
    Path arena = dir.resolve("ns").resolve(namespace).resolve("blobs").resolve("blobs-1.arena");
    try (FileChannel channel = FileChannel.open(arena, StandardOpenOption.WRITE)) {
      channel.truncate(0);
    }
  }

  private static boolean passedThrough(Throwable t, String className, String method) {
    return Arrays.stream(t.getStackTrace())
        .anyMatch(f -> f.getClassName().endsWith("." + className) && f.getMethodName().equals(method));
  }

  private static String trace(Throwable t) {
    java.io.StringWriter out = new java.io.StringWriter();
    t.printStackTrace(new java.io.PrintWriter(out));
    return out.toString();
  }
}
