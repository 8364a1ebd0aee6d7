package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aeon.common.TextEmbedder;
import dev.aeon.common.io.CorruptFileException;
import dev.aeon.common.io.FormatTooNewException;
import dev.aeon.common.testing.GrowingFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A namespace records the embedding model of its vectors and refuses vectors and queries of another. */
class EmbeddingModelTest {

  @TempDir
  Path dir;

  /** Deterministic vectors of {@link TestVectors#DIM} dimensions under a model name; counts what it embeds. */
  static final class NamedEmbedder implements TextEmbedder {
    final String model;
    final List<String> embedded = new ArrayList<>();
    final List<Integer> callSizes = new ArrayList<>();

    NamedEmbedder(String model) {
      this.model = model;
    }

    @Override
    public String model() {
      return model;
    }

    @Override
    public int dimension() {
      return TestVectors.DIM;
    }

    @Override
    public synchronized List<float[]> embedAll(List<String> texts) {
      embedded.addAll(texts);
      callSizes.add(texts.size());
      return texts.stream().map(t -> TestVectors.unit(t.hashCode())).toList();
    }
  }

  @Test
  void theFirstVectorOfAKnownModelRecordsItAndAnotherModelIsRefused() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.memory();
      assertNull(m.stats().embeddingModel());
      m.remember(Remember.event("s", "user", "a").vector(TestVectors.unit(1), "model-a"));
      assertEquals("model-a", m.stats().embeddingModel());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> m.remember(Remember.event("s", "user", "b").vector(TestVectors.unit(2), "model-b")));
      assertTrue(e.getMessage().contains("'model-b'") && e.getMessage().contains("'model-a'"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> m.recall(Recall.vector(TestVectors.unit(1), "model-b", 1)));
      assertEquals(1, m.stats().events(), "a refused event was stored");
      assertEquals(1, m.recall(Recall.vector(TestVectors.unit(1), "model-a", 1)).size());
    }
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.memory();
      assertEquals("model-a", m.stats().embeddingModel(), "the record did not survive a reopen");
      assertThrows(IllegalArgumentException.class,
          () -> m.remember(Remember.event("s", "user", "b").vector(TestVectors.unit(2), "model-b")));
      // A vector or query without its model is taken on the caller's word.
      m.remember(Remember.event("s", "user", "c").vector(TestVectors.unit(3)));
      m.remember(Remember.event("s", "user", "d").vector(TestVectors.unit(4), null));
      assertEquals(3, m.recall(Recall.vector(TestVectors.unit(3), 3)).size());
      assertEquals(3, m.recall(Recall.vector(TestVectors.unit(3), null, 3)).size());
    }
  }

  @Test
  void theEngineEmbedderRecordsItsModelAndAnotherIsRefusedBeforeItEmbeds() {
    NamedEmbedder minilm = new NamedEmbedder("minilm");
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withEmbedder(minilm))) {
      aeon.memory().remember(Remember.event("s", "user", "I moved to Lisbon"));
      assertEquals("minilm", aeon.memory().stats().embeddingModel());
    }
    NamedEmbedder bge = new NamedEmbedder("bge");
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withEmbedder(bge))) {
      Memory m = aeon.memory();
      assertThrows(IllegalArgumentException.class, () -> m.remember(Remember.event("s", "user", "I like tea")));
      assertThrows(IllegalArgumentException.class, () -> m.recall(Recall.text("where do I live?", 1)));
      assertEquals(List.of(), bge.embedded, "embedded before it was refused");
      // Events with a vector of their own do not use the embedder; without a vector none is needed either.
      m.remember(Remember.event("s", "user", "given").vector(TestVectors.unit(9), "minilm"));
      assertEquals(2, m.stats().events());
    }
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withEmbedder(new NamedEmbedder("minilm")))) {
      assertEquals("I moved to Lisbon",
          aeon.memory().recall(Recall.text("I moved to Lisbon", 1)).getFirst().event().text());
    }
  }

  /** An embedder that names no model: {@link TextEmbedder#model()} is the class name. */
  static class UnnamedEmbedder implements TextEmbedder {
    @Override
    public int dimension() {
      return TestVectors.DIM;
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
      return texts.stream().map(t -> TestVectors.unit(t.hashCode())).toList();
    }
  }

  /** Renamed, as a refactoring would: the same model. */
  static final class RenamedEmbedder extends UnnamedEmbedder {}

  @Test
  void aRecordsTemporaryLeftByACrashIsDeletedWhenTheNamespaceOpens() throws Exception {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      aeon.memory().remember(Remember.event("s", "user", "a").vector(TestVectors.unit(1)));
    }
    Path leftover = dir.resolve("ns").resolve("default").resolve(EmbeddingModel.FILE + ".tmp");
    Files.writeString(leftover, "aeon embedding-model 1\nmodel-"); // a replace cut short by a crash
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      assertNull(aeon.memory().stats().embeddingModel());
    }
    assertFalse(Files.exists(leftover), "a crash's part of the record outlives the open");
  }

  @Test
  void anEmbedderThatNamesNoModelRecordsNone() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withEmbedder(new UnnamedEmbedder()))) {
      aeon.memory().remember(Remember.event("s", "user", "I moved to Lisbon"));
      assertNull(aeon.memory().stats().embeddingModel(), "a class name was taken for a model");
    }
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withEmbedder(new RenamedEmbedder()))) {
      aeon.memory().remember(Remember.event("s", "user", "I like tea"));
      assertEquals(1, aeon.memory().recall(Recall.text("I like tea", 1)).size());
    }
  }

  @Test
  void aNamespaceFilledWithoutModelsRecordsTheFirstOneItMeets() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.memory();
      m.remember(Remember.event("s", "user", "a").vector(TestVectors.unit(1)));
      m.recall(Recall.vector(TestVectors.unit(1), "model-a", 1)); // a read records nothing
      assertNull(m.stats().embeddingModel());
      m.remember(Remember.event("s", "user", "b").vector(TestVectors.unit(2), "model-a"));
      assertEquals("model-a", m.stats().embeddingModel());
    }
  }

  @Test
  void anEventRefusedAsTooLargeRecordsNoModel() {
    // Segments of 64 KiB: an event of more than 32 KiB is refused, though its text and its attributes fit.
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withWalSegmentBytes(64 << 10))) {
      Memory m = aeon.memory();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.remember(
          Remember.event("s", "user", "a".repeat(20_000)).vector(TestVectors.unit(1), "model-a")
              .attribute("note", "x".repeat(20_000))));
      assertTrue(e.getMessage().contains("bytes in the log"), e.getMessage());
      assertNull(m.stats().embeddingModel(), "a refused event recorded its model");
      m.remember(Remember.event("s", "user", "b").vector(TestVectors.unit(2), "model-b"));
      assertEquals("model-b", m.stats().embeddingModel());
    }
  }

  @Test
  void namespacesRecordTheirModelsApart() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      aeon.namespace("a").remember(Remember.event("s", "user", "a").vector(TestVectors.unit(1), "model-a"));
      aeon.namespace("b").remember(Remember.event("s", "user", "b").vector(TestVectors.unit(2), "model-b"));
      assertEquals("model-a", aeon.namespace("a").stats().embeddingModel());
      assertEquals("model-b", aeon.namespace("b").stats().embeddingModel());
    }
  }

  @Test
  void aModelNameMustBePrintable() {
    float[] v = TestVectors.unit(1);
    assertThrows(IllegalArgumentException.class, () -> Remember.event("s", "user", "a").vector(v, ""));
    assertThrows(IllegalArgumentException.class, () -> Remember.event("s", "user", "a").vector(v, "two\nlines"));
    assertThrows(IllegalArgumentException.class, () -> Recall.vector(v, "x".repeat(201), 1));
    // recorded as UTF-8, it read back as 'mod?' and refused its own vectors after a reopen
    assertThrows(IllegalArgumentException.class, () -> Remember.event("s", "user", "a").vector(v, "mod\uD800"));
    assertThrows(IllegalArgumentException.class, () -> Recall.vector(v, "mod\uDC00x", 1));
    for (String name : List.of("tab\there", "mod\uD800")) {
      try (Aeon aeon = Aeon.open(dir, EngineTest.options().withEmbedder(new NamedEmbedder(name)))) {
        assertThrows(IllegalArgumentException.class, () -> aeon.memory().remember(Remember.event("s", "user", "a")));
        assertEquals(0, aeon.memory().stats().events());
      }
    }
  }

  @Test
  void aDamagedRecordIsReportedWhenTheNamespaceOpens() throws IOException {
    Path file = recordOfModelA();
    String good = Files.readString(file);
    assertTrue(good.contains("model-a"), good);
    Files.writeString(file, good.replace("model-a", "model-b")); // a flipped bit in the name
    assertOpenReportsDamage();
    Files.write(file, new byte[] {(byte) 0xff, 0, 1});
    assertOpenReportsDamage();
    Files.writeString(file, good, StandardCharsets.UTF_8);
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      assertEquals("model-a", aeon.memory().stats().embeddingModel());
    }
  }

  /**
   * A record whose checksum holds but whose name no vector could carry (empty, a control character, too long:
   * names {@link EmbeddingModel#checkName} refuses, so no engine wrote it) is damage, not a model that refuses
   * every vector of every model; found by EmbeddingModelFileFuzzTest.
   */
  @Test
  void aRecordOfANameNoVectorCouldCarryIsReportedAsDamage() throws IOException {
    Path file = recordOfModelA();
    String good = Files.readString(file);
    for (String name : List.of("", "tab\there", "x".repeat(EmbeddingModel.MAX_NAME_CHARS + 1))) {
      java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
      crc.update(name.getBytes(StandardCharsets.UTF_8));
      Files.writeString(file, good.replace("model-a", name)
          .replaceFirst("crc32c [0-9a-f]+", "crc32c " + java.util.HexFormat.of().toHexDigits((int) crc.getValue())));
      assertOpenReportsDamage();
    }
  }

  /**
   * A record a newer release wrote (a later version on its first line) is refused as too new, not reported as
   * damage whose way out is to delete it.
   */
  @Test
  void aRecordOfANewerReleaseIsRefusedAsTooNew() throws IOException {
    Path file = recordOfModelA();
    Files.writeString(file, "aeon embedding-model 2\nmodel-a\nsha256 0\nwritten by a later release\n");
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      RuntimeException e = assertThrows(RuntimeException.class, aeon::memory);
      assertTrue(causes(e, FormatTooNewException.class), e.toString());
      assertFalse(e.getMessage().contains("delete it"), e.getMessage());
    }
  }

  /**
   * A record far longer than any the engine writes (another file in its place, a damaged file system's size) was
   * read whole before any check: past 2 GiB the read threw an OutOfMemoryError out of opening the namespace. It is
   * reported as damage from its size, before it is read.
   */
  @Test
  void aRecordFarLongerThanAnyTheEngineWritesIsReportedBeforeItIsRead() throws IOException {
    Path file = recordOfModelA();
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(3L << 30); // sparse: no block of it is written
    }
    assertOpenReportsDamage();
  }

  /**
   * A record that grows after its size was taken (a named pipe stands in for it: its size is 0) is reported as
   * damage once the longest record is read: it was read whole, however long it had grown.
   */
  @Test
  void aRecordThatGrowsAfterItsSizeWasTakenIsReadNoFurtherThanTheLongestRecord() throws Throwable {
    assumeTrue(GrowingFile.supported(), "named pipes are Linux's here");
    Path file = recordOfModelA();
    Files.delete(file);
    try (GrowingFile grows = GrowingFile.at(file, 32 << 20, (byte) 'x')) {
      try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
        RuntimeException e = assertThrows(RuntimeException.class, aeon::memory);
        assertTrue(causes(e, CorruptFileException.class), e.toString());
        assertTrue(e.getMessage().contains("longer than any the engine writes"), e.getMessage());
      }
      long read = grows.written();
      assertTrue(read < 1 << 20, read + " bytes read of a record of at most a few hundred");
    }
  }

  /** The default namespace's record of one event remembered with a vector of model-a; the memory closed. */
  private Path recordOfModelA() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      aeon.memory().remember(Remember.event("s", "user", "a").vector(TestVectors.unit(1), "model-a"));
      return dir.resolve("ns").resolve(aeon.memory().name()).resolve(EmbeddingModel.FILE);
    }
  }

  private void assertOpenReportsDamage() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      RuntimeException e = assertThrows(RuntimeException.class, aeon::memory);
      assertTrue(causes(e, CorruptFileException.class), e.toString());
      assertTrue(e.getMessage().contains("delete it"), "no way out: " + e.getMessage());
    }
  }

  private static boolean causes(Throwable t, Class<? extends Throwable> type) {
    for (; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
