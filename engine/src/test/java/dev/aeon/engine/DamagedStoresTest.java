package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store's file or folder that is missing, emptied or replaced by an older copy looks to that store like
 * a new or older but valid one. Opening must refuse the namespace, naming the store, and change nothing
 * (these cases opened as empty stores before: texts of other events, lost links, lost vectors, and a log
 * that restarted below the trace's checkpoint, so that later acknowledged writes were skipped on replay).
 */
class DamagedStoresTest {

  @TempDir
  Path dir;

  private Path namespace() {
    return dir.resolve("ns").resolve("default");
  }

  /** Ten events with texts and vectors and a link; closing checkpoints them. */
  private void writeFirstTen() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.memory();
      remember(m, 1, 10);
      m.link(2, "REFERS_TO", 1, Long.MIN_VALUE, Long.MAX_VALUE);
    }
  }

  /** Ten more events, checkpointed by the close. */
  private void writeTenMore() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      remember(aeon.memory(), 11, 20);
    }
  }

  /** Events {@code first..last}, each with its text and vector. */
  private static void remember(Memory m, int first, int last) {
    for (int i = first; i <= last; i++) {
      m.remember(Remember.event("s", "user", "text-" + i).vector(TestVectors.unit(i)));
    }
  }

  /** Saves {@code store}'s folder, writes ten more events, then puts the saved, older copy back. */
  private void replaceByAnOlderCopy(String store) throws IOException {
    Path saved = dir.resolve("saved-" + store);
    copyTree(namespace().resolve(store), saved);
    writeTenMore();
    putBack(saved, store);
  }

  private void putBack(Path saved, String store) throws IOException {
    deleteTree(namespace().resolve(store));
    copyTree(saved, namespace().resolve(store));
  }

  /** Opening fails, and some message in the exception's chain names {@code store}. */
  private void refusedNaming(String store) {
    RuntimeException e = assertThrows(RuntimeException.class, () -> {
      try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
        aeon.memory();
      }
    });
    StringBuilder messages = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      messages.append(t.getMessage()).append(" / ");
    }
    assertTrue(messages.toString().contains(namespace().resolve(store).toString()), messages.toString());
  }

  @Test
  void aLostLogFolderIsRefused() throws IOException {
    writeFirstTen();
    deleteTree(namespace().resolve("wal"));
    refusedNaming("wal");
  }

  @Test
  void aLostTraceCheckpointIsRefusedAndTheTraceFilesAreKept() throws IOException {
    writeFirstTen();
    Path edges = namespace().resolve("trace").resolve("edges.trace");
    long edgeBytes = Files.size(edges);
    Files.delete(namespace().resolve("trace").resolve("checkpoint.trace"));
    refusedNaming("trace");
    assertEquals(edgeBytes, Files.size(edges), "the refused open cut the links' file");
  }

  @Test
  void anOlderTraceCheckpointIsRefused() throws IOException {
    writeFirstTen();
    Path checkpoint = namespace().resolve("trace").resolve("checkpoint.trace");
    byte[] older = Files.readAllBytes(checkpoint);
    writeTenMore();
    Files.write(checkpoint, older);
    refusedNaming("trace");
  }

  @Test
  void anEmptiedLinksFileIsRefused() throws IOException {
    writeFirstTen();
    Files.write(namespace().resolve("trace").resolve("edges.trace"), new byte[0]);
    refusedNaming("trace/edges.trace");
  }

  @Test
  void aLostBlobArenaIsRefused() throws IOException {
    writeFirstTen();
    deleteTree(namespace().resolve("blobs"));
    refusedNaming("blobs");
  }

  @Test
  void anOlderBlobArenaIsRefused() throws IOException {
    writeFirstTen();
    replaceByAnOlderCopy("blobs");
    refusedNaming("blobs");
  }

  /** Copied while open, the arena's last commit reserved ids beyond the refs it had handed out. */
  @Test
  void anOlderBlobArenaCopiedWhileOpenIsRefused() throws IOException {
    Path saved = dir.resolve("saved-blobs");
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.memory();
      remember(m, 1, 10);
      m.checkpoint();
      copyTree(namespace().resolve("blobs"), saved);
      remember(m, 11, 20);
    }
    putBack(saved, "blobs");
    refusedNaming("blobs");
  }

  @Test
  void aLostIndexManifestIsRefusedAndTheIndexKept() throws IOException {
    writeFirstTen();
    Path atlas = namespace().resolve("atlas");
    try (Stream<Path> files = Files.list(atlas)) {
      files.filter(f -> f.getFileName().toString().contains("manifest")).forEach(DamagedStoresTest::delete);
    }
    refusedNaming("atlas");
    assertTrue(Files.isDirectory(atlas), "the refused open deleted the index");
  }

  @Test
  void anOlderIndexIsRefused() throws IOException {
    writeFirstTen();
    replaceByAnOlderCopy("atlas");
    refusedNaming("atlas");
    refusedNaming("atlas"); // a refused open leaves nothing that makes the next one accept it
  }

  /** The checks must not refuse what a crash leaves; and an intact namespace opens with all it had. */
  @Test
  void anIntactNamespaceOpensWithEverything() {
    writeFirstTen();
    writeTenMore();
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.memory();
      assertEquals(20, m.stats().events());
      assertEquals("text-20", m.get(20).orElseThrow().text());
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.toList()) {
        Files.copy(p, to.resolve(from.relativize(p).toString()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      all.sorted(Comparator.reverseOrder()).forEach(DamagedStoresTest::delete);
    }
  }

  private static void delete(Path p) {
    try {
      Files.delete(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
