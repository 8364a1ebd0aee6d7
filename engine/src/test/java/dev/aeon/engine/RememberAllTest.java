package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.TextEmbedder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Memory#rememberAll}: the ids in order, one log record for the batch, every event checked before anything
 * is logged (a refusal names the event's index), the batch bounded, and all or nothing after a crash.
 */
class RememberAllTest {

  @TempDir
  Path dir;

  /** No background checkpoint: the log holds every record these tests write, for them to count and to cut. */
  private static AeonOptions options() {
    return EngineTest.options().withCheckpoints(1L << 40, Duration.ofHours(1));
  }

  private static Remember event(int i) {
    return Remember.event("s" + (i % 3), i % 2 == 0 ? "user" : "assistant", "text " + i).vector(TestVectors.unit(i))
        .at(1_000_000L * i).attribute("i", (long) i);
  }

  private static List<Remember> events(int from, int n) {
    List<Remember> events = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      events.add(event(i));
    }
    return events;
  }

  @Test
  void returnsTheIdsInOrderAndRemembersEachEventAsGiven() {
    try (Aeon aeon = Aeon.open(dir, options())) {
      Memory m = aeon.memory();
      long first = m.remember(event(0));
      List<Remember> batch = new ArrayList<>(events(1, 4));
      batch.add(Remember.event("s9", "tool", "no vector").withoutVector().link("REFERS_TO", first));
      List<Long> ids = m.rememberAll(batch);
      assertEquals(List.of(2L, 3L, 4L, 5L, 6L), ids);
      for (int i = 1; i <= 4; i++) {
        Event e = m.get(ids.get(i - 1)).orElseThrow();
        assertEquals(List.of("s" + (i % 3), i % 2 == 0 ? "user" : "assistant", "text " + i, 1_000_000L * i,
            Map.of("i", (long) i), true), List.of(e.session(), e.role(), e.text(), e.timestampMicros(),
            e.attributes(), e.hasVector()));
        assertEquals(ids.get(i - 1), m.recall(Recall.vector(TestVectors.unit(i), 1)).getFirst().event().id());
      }
      assertEquals(List.of(List.of(first)),
          m.query("MATCH (a {id: 6})-[:REFERS_TO]->(b) RETURN b.id", Map.of()).rows());
      assertEquals(7, m.remember(event(7)), "the next id follows the batch's");
      assertEquals(List.of(), m.rememberAll(List.of()), "an empty batch");
    }
  }

  /** Under SYNC, one record and so one forced write for the batch, where one by one took one each. */
  @Test
  void aBatchIsOneLogRecord() {
    try (Aeon aeon = Aeon.open(dir, options().withDurability(Durability.SYNC))) {
      Memory m = aeon.memory();
      long before = m.stats().lastLsn();
      m.rememberAll(events(0, 64));
      assertEquals(before + 1, m.stats().lastLsn());
      for (Remember r : events(64, 3)) {
        m.remember(r);
      }
      assertEquals(before + 4, m.stats().lastLsn());
      assertEquals(67, m.stats().events());
    }
  }

  /** What one refused event leaves: nothing logged, no event, no id taken, no model recorded. */
  private static void assertNothingRemembered(Memory m, long lsn, long events, long nextId) {
    assertEquals(lsn, m.stats().lastLsn(), "logged");
    assertEquals(events, m.stats().events(), "events");
    assertEquals(nextId, m.remember(Remember.event("s", "user", "after").withoutVector()), "the next id");
  }

  @Test
  void aRefusedEventRefusesTheWholeBatchNamingItsIndex() {
    try (Aeon aeon = Aeon.open(dir, options())) {
      Memory m = aeon.memory();
      List<Remember> batch = events(0, 300);
      batch.set(299, Remember.event("s", "", "an empty role"));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.rememberAll(batch));
      assertTrue(e.getMessage().startsWith("the batch's event at index 299 (of 300, from 0) is refused")
          && e.getMessage().endsWith("role must not be empty"), e.getMessage());
      assertNothingRemembered(m, 0, 0, 1);
      assertNull(m.stats().embeddingModel());

      // Checked under the lock: a link to an event the namespace does not hold.
      List<Remember> linked = events(0, 10);
      linked.get(5).link("REFERS_TO", 99);
      e = assertThrows(IllegalArgumentException.class, () -> m.rememberAll(linked));
      assertTrue(e.getMessage().contains("index 5 ") && e.getMessage().endsWith("no event with id 99 in namespace"
          + " 'default'"), e.getMessage());
      assertNothingRemembered(m, 1, 1, 2);

      // One dimension and one embedding model in a batch, as in the namespace after it.
      List<Remember> dimensions = events(0, 3);
      dimensions.set(2, Remember.event("s", "user", "x").vector(new float[] {1, 0}));
      e = assertThrows(IllegalArgumentException.class, () -> m.rememberAll(dimensions));
      assertTrue(e.getMessage().contains("index 2 ") && e.getMessage().contains("vector has 2 dimensions"),
          e.getMessage());
      List<Remember> models = List.of(Remember.event("s", "user", "a").vector(TestVectors.unit(1), "model-a"),
          Remember.event("s", "user", "b").vector(TestVectors.unit(2)),
          Remember.event("s", "user", "c").vector(TestVectors.unit(3), "model-b"));
      e = assertThrows(IllegalArgumentException.class, () -> m.rememberAll(models));
      assertTrue(e.getMessage().contains("index 2 ") && e.getMessage().contains("'model-b'"), e.getMessage());
      assertNull(m.stats().embeddingModel(), "a refused batch recorded its model");
      assertNothingRemembered(m, 2, 2, 3);

      List<Remember> withNull = new ArrayList<>(events(0, 3));
      withNull.set(1, null);
      NullPointerException npe = assertThrows(NullPointerException.class, () -> m.rememberAll(withNull));
      assertTrue(npe.getMessage().contains("index 1 "), npe.getMessage());
      assertNothingRemembered(m, 3, 3, 4);
    }
  }

  @Test
  void aBatchIsBoundedWithAClearErrorNotCutShort() {
    // Log segments of 64 KiB: one record holds at most 32 KiB.
    try (Aeon aeon = Aeon.open(dir, options().withWalSegmentBytes(64 << 10))) {
      Memory m = aeon.memory();
      List<Remember> many = new ArrayList<>();
      for (int i = 0; i <= Memory.MAX_BATCH_EVENTS; i++) {
        many.add(Remember.event("s", "user", "t").withoutVector());
      }
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.rememberAll(many));
      assertTrue(e.getMessage().startsWith("a batch of 10001 events is more than the 10000 one call takes"),
          e.getMessage());
      assertEquals(0, m.stats().lastLsn());

      String text = "x".repeat(1000);
      List<Remember> longTexts = new ArrayList<>(); // 40,000 bytes of text alone: refused before anything else
      for (int i = 0; i < 40; i++) {
        longTexts.add(Remember.event("s", "user", text).withoutVector());
      }
      e = assertThrows(IllegalArgumentException.class, () -> m.rememberAll(longTexts));
      assertTrue(e.getMessage().startsWith("the batch's texts and vectors take at least 40000 bytes, more than the"
          + " 32768 one log record holds"), e.getMessage());

      // 28,000 bytes of text and 3,584 of vectors, under 32 KiB; with their attributes and names, over
      List<Remember> large = new ArrayList<>();
      for (int i = 0; i < 28; i++) {
        large.add(Remember.event("s", "user", text).vector(TestVectors.unit(i)).attribute("note", "y".repeat(60)));
      }
      e = assertThrows(IllegalArgumentException.class, () -> m.rememberAll(large));
      assertTrue(e.getMessage().startsWith("the batch of 28 events takes ") && e.getMessage().contains("more than the"
          + " 32768 one log record holds") && e.getMessage().endsWith("in smaller batches"), e.getMessage());
      assertNothingRemembered(m, 0, 0, 1);
      assertEquals(List.of(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L), m.rememberAll(large.subList(0, 10)));
    }
  }

  /**
   * A batch whose texts fit one log record but whose texts and vectors together do not is refused before the embedder
   * sees any of it: it embedded every event (about a minute a megabyte with a real model) only to be refused after.
   */
  @Test
  void aBatchTooLargeWithItsVectorsIsRefusedBeforeAnythingIsEmbedded() {
    EmbeddingModelTest.NamedEmbedder embedder = new EmbeddingModelTest.NamedEmbedder("model-a");
    try (Aeon aeon = Aeon.open(dir, options().withWalSegmentBytes(64 << 10).withEmbedder(embedder))) {
      Memory m = aeon.memory();
      String text = "x".repeat(1000);
      List<Remember> batch = new ArrayList<>(); // 32,000 bytes of text, under 32 KiB; with the vectors, over
      for (int i = 0; i < 32; i++) {
        batch.add(Remember.event("s", "user", text));
      }
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.rememberAll(batch));
      assertTrue(e.getMessage().startsWith("the batch's texts and vectors take at least "
          + (32_000 + 32 * 4 * TestVectors.DIM) + " bytes, more than the 32768 one log record holds"),
          e.getMessage());
      assertEquals(List.of(), embedder.embedded, "the embedder saw the batch");
      assertEquals(0, m.stats().lastLsn());
    }
  }

  /**
   * The events the engine embeds go to the embedder in one call, in order, each vector with its own event, and only
   * after every event has passed its checks: it embedded them one call each, and those before a refused one too.
   */
  @Test
  void theEventsTheEngineEmbedsAreEmbeddedInOneCallAfterEveryCheck() {
    EmbeddingModelTest.NamedEmbedder embedder = new EmbeddingModelTest.NamedEmbedder("model-a");
    try (Aeon aeon = Aeon.open(dir, options().withEmbedder(embedder))) {
      Memory m = aeon.memory();
      List<Remember> refused = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        refused.add(Remember.event(i == 3 ? "" : "s", "user", "refused " + i));
      }
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.rememberAll(refused));
      assertTrue(e.getMessage().startsWith("the batch's event at index 3 (of 5"), e.getMessage());
      assertEquals(List.of(), embedder.embedded, "the embedder saw a refused batch");

      List<Remember> batch = new ArrayList<>();
      List<String> embeddedTexts = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        String text = "turn " + i;
        if (i == 4) {
          batch.add(Remember.event("s", "user", text).vector(TestVectors.unit(1_000), "model-a"));
        } else if (i == 7) {
          batch.add(Remember.event("s", "user", text).withoutVector());
        } else {
          batch.add(Remember.event("s", "user", text));
          embeddedTexts.add(text);
        }
      }
      List<Long> ids = m.rememberAll(batch);
      assertEquals(List.of(8), embedder.callSizes, "texts per call of the embedder");
      assertEquals(embeddedTexts, embedder.embedded);
      for (int i = 0; i < 10; i++) {
        if (i != 7) {
          float[] v = i == 4 ? TestVectors.unit(1_000) : TestVectors.unit(("turn " + i).hashCode());
          assertEquals(ids.get(i), m.recall(Recall.vector(v, "model-a", 1)).getFirst().event().id(),
              "the vector of event " + i);
        }
      }
      assertEquals(9, m.stats().vectors(), "vectors stored");
    }
  }

  /**
   * A batch whose vectors would come from two models, or have two dimensions, is refused before the embedder runs,
   * where it can be told from the vectors given and the embedder's model: it was refused only once every event of it
   * had been embedded (about a minute a megabyte of text, for nothing).
   */
  @Test
  void aBatchOfTwoModelsOrTwoDimensionsIsRefusedBeforeTheEmbedderRuns() {
    EmbeddingModelTest.NamedEmbedder embedder = new EmbeddingModelTest.NamedEmbedder("model-a");
    try (Aeon aeon = Aeon.open(dir, options().withEmbedder(embedder))) {
      Memory m = aeon.memory();
      List<Remember> twoModels = List.of(
          Remember.event("s", "user", "given").vector(TestVectors.unit(1), "model-b"),
          Remember.event("s", "user", "to embed 1"),
          Remember.event("s", "user", "to embed 2"));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.rememberAll(twoModels));
      assertTrue(e.getMessage().startsWith("the batch's event at index 1 (of 3"), e.getMessage());
      assertTrue(e.getMessage().contains("'model-a'") && e.getMessage().contains("'model-b'"), e.getMessage());

      List<Remember> twoDimensions = List.of(
          Remember.event("s", "user", "given").vector(TestVectors.unit(1), "model-a"),
          Remember.event("s", "user", "to embed"),
          Remember.event("s", "user", "given, shorter").vector(new float[] {1, 0, 0}, "model-a"));
      e = assertThrows(IllegalArgumentException.class, () -> m.rememberAll(twoDimensions));
      assertTrue(e.getMessage().startsWith("the batch's event at index 2 (of 3"), e.getMessage());
      assertTrue(e.getMessage().contains("dimensions"), e.getMessage());

      assertEquals(List.of(), embedder.embedded, "the embedder saw a batch refused anyway");
      assertEquals(0, m.stats().lastLsn(), "a refused batch logged something");
    }
  }

  /**
   * An embedder that answers a batch wrongly (no vector for a text, fewer vectors than texts, vectors of two
   * dimensions) fails the batch before anything is logged, saying which event's vector is wrong: a missing one was
   * reported as "the embedder returned no vector", with no event named.
   */
  @Test
  void anEmbedderThatAnswersABatchWronglyFailsItNamingTheEvent() {
    TextEmbedder wrong = new TextEmbedder() {
      @Override
      public String model() {
        return "model-a";
      }

      @Override
      public int dimension() {
        return TestVectors.DIM;
      }

      @Override
      public List<float[]> embedAll(List<String> texts) {
        List<float[]> vectors = new ArrayList<>(texts.stream().map(t -> TestVectors.unit(t.hashCode())).toList());
        for (int i = 0; i < texts.size(); i++) {
          switch (texts.get(i)) {
            case "none" -> vectors.set(i, null);
            case "short" -> vectors.set(i, new float[] {1, 0, 0});
            default -> { }
          }
        }
        return texts.contains("fewer") ? vectors.subList(0, texts.size() - 1) : vectors;
      }
    };
    try (Aeon aeon = Aeon.open(dir, options().withEmbedder(wrong))) {
      Memory m = aeon.memory();
      IllegalStateException none = assertThrows(IllegalStateException.class, () -> m.rememberAll(List.of(
          Remember.event("s", "user", "fine"), Remember.event("s", "user", "none"))));
      assertTrue(none.getMessage().contains("no vector for the batch's event at index 1 (of 2"), none.getMessage());
      IllegalStateException fewer = assertThrows(IllegalStateException.class, () -> m.rememberAll(List.of(
          Remember.event("s", "user", "fine"), Remember.event("s", "user", "fewer"))));
      assertTrue(fewer.getMessage().contains("returned 1 vectors for 2 texts"), fewer.getMessage());
      IllegalArgumentException dimensions = assertThrows(IllegalArgumentException.class, () -> m.rememberAll(List.of(
          Remember.event("s", "user", "fine"), Remember.event("s", "user", "short"))));
      assertTrue(dimensions.getMessage().startsWith("the batch's event at index 1 (of 2"), dimensions.getMessage());
      assertEquals(0, m.stats().lastLsn(), "a batch the embedder answered wrongly logged something");
    }
  }

  /** A crash's image (a backup) holds the batch's record: opening it replays every event of the batch. */
  @Test
  void aBatchIsReplayedWhole() {
    Path live = dir.resolve("live");
    Path image = dir.resolve("image");
    List<Long> ids;
    try (Aeon aeon = Aeon.open(live, options())) {
      Memory m = aeon.memory();
      m.remember(event(0));
      ids = m.rememberAll(events(1, 50));
      aeon.backup("default", image);
    }
    try (Aeon aeon = Aeon.open(image, options())) {
      Memory m = aeon.memory();
      assertEquals(51, m.stats().events());
      for (int i = 1; i <= 50; i++) {
        assertEquals("text " + i, m.get(ids.get(i - 1)).orElseThrow().text());
      }
      assertEquals(List.of(), aeon.check("default"));
      assertEquals(52, m.remember(event(51)));
    }
  }

  /**
   * A batch whose record a crash tore (here: its last bytes damaged, which no later force vouches for) leaves none of
   * its events, not the ones before the damage; the events before it stay.
   */
  @Test
  void aTornBatchLeavesNoneOfItsEvents() throws IOException {
    Path live = dir.resolve("live");
    Path image = dir.resolve("image");
    try (Aeon aeon = Aeon.open(live, options())) {
      Memory m = aeon.memory();
      m.rememberAll(events(0, 5));
      m.rememberAll(events(5, 40));
      aeon.backup("default", image); // a crash's image: the stores hold the batch, and so does the log
    }
    Path segment;
    try (Stream<Path> files = Files.list(image.resolve("ns/default/wal"))) {
      segment = files.filter(f -> f.getFileName().toString().endsWith(".wal")).sorted().toList().getLast();
    }
    long end = lastNonZeroByte(segment);
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {0x55, 0x55, 0x55, 0x55}), end - 100); // inside the last event's vector
    }
    try (Aeon aeon = Aeon.open(image, options())) {
      Memory m = aeon.memory();
      assertEquals(5, m.stats().events(), "the events of the first batch, none of the second");
      for (long id = 6; id <= 45; id++) {
        assertTrue(m.get(id).isEmpty(), "event " + id + " of the torn batch is there");
      }
      assertEquals(List.of(), aeon.check("default"));
      assertEquals(6, m.remember(event(45)), "the torn batch's ids were never acknowledged");
    }
  }

  private static long lastNonZeroByte(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    for (int i = bytes.length - 1; i >= 0; i--) {
      if (bytes[i] != 0) {
        return i;
      }
    }
    throw new AssertionError(file + " is all zeros");
  }

  @Test
  void aReaderOfAnAbsentNamespaceRefusesABatch() {
    try (Aeon aeon = Aeon.open(dir, options())) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> aeon.reader("nothing").rememberAll(events(0, 2)));
      assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }
  }
}
