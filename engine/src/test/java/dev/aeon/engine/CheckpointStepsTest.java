package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.blob.ArenaStats;
import dev.aeon.blob.BlobArena;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The directory each step of a checkpoint (or of a compaction's) leaves when a crash comes after it: the blob
 * arena forced (with the frees of the forgets before it), then the index committed, then the trace, then the
 * log checkpointed. Built from copies of each store taken before and after the checkpoint, with the log as it
 * was before (no segment deleted yet), so that every step is reached, which random kills
 * ({@link EngineCrashTest}) reach only now and then. Between the two checkpoints: an event remembered and
 * forgotten, one remembered before and forgotten, attributes changed, a link invalidated and a session
 * forgotten (taking a link with it), a link to an event forgotten later, and events remembered after. Each
 * directory must open with every write, its stores agreeing, and again after a crash right after that
 * replay (opened from a copy taken then): replay is idempotent whichever stores are ahead of the trace. A
 * process crash before the checkpoint is there too: the blob arena, written through a mapping, then holds
 * the texts the trace's checkpoint does not name yet. Once closed, each arena must hold the live events' texts
 * and nothing else: replay gives an event the text the arena holds instead of storing it twice.
 */
class CheckpointStepsTest {

  @TempDir
  Path dir;

  private static Path namespace(Path root) {
    return root.resolve("ns").resolve("default");
  }

  @ParameterizedTest(name = "compact: {0}")
  @ValueSource(booleans = {false, true})
  void everyStepOfACheckpointRecoversEveryWrite(boolean compact) throws IOException {
    Path live = dir.resolve("live");
    Path before = dir.resolve("before");
    Path after = dir.resolve("after");
    Path log = dir.resolve("log");
    long liveTextBytes;
    try (Aeon aeon = Aeon.open(live, EngineTest.options())) {
      Memory m = aeon.memory();
      for (int i = 1; i <= 10; i++) {
        m.remember(Remember.event(i % 2 == 0 ? "even" : "odd", "user", "text-" + i).vector(TestVectors.unit(i))
            .attribute("k", (long) i));
      }
      m.link(2, "R", 1, Long.MIN_VALUE, Long.MAX_VALUE);
      m.link(9, "R", 7, Long.MIN_VALUE, Long.MAX_VALUE);
    } // checkpointed by the close
    copyStores(live, before, "trace", "atlas", "blobs");
    try (Aeon aeon = Aeon.open(live, EngineTest.options())) {
      Memory m = aeon.memory();
      m.remember(Remember.event("odd", "user", "text-11").vector(TestVectors.unit(11)).link("R", 9));
      m.remember(Remember.event("even", "user", "text-12").vector(TestVectors.unit(12)));
      m.forget(11); // remembered and forgotten between the checkpoints
      m.forget(3); // remembered before, forgotten between
      m.setAttributes(5, Map.of("k", 55L, "new", "x"));
      m.invalidate(9, "R", 7, 5_000);
      m.link(12, "R", 5, Long.MIN_VALUE, Long.MAX_VALUE); // its source forgotten with its session next
      m.forgetSession("even");
      m.remember(Remember.event("odd", "user", "text-13").vector(TestVectors.unit(13)).link("R", 5));
      // The log forced at every write (SYNC), not yet checkpointed; the arena as a process crash leaves it.
      copyStores(live, log, "wal", "blobs");
      if (compact) {
        m.compact();
      } else {
        m.checkpoint();
      }
      liveTextBytes = m.stats().blobBytes(); // the texts of events 1, 5, 7, 9 and 13: the rest freed
      copyStores(live, after, "trace", "atlas", "blobs");
    }
    // Which copy of each store (trace, index, arena) a crash after each step leaves.
    Map<String, Path[]> steps = Map.of(
        "nothing durable yet", new Path[] {before, before, before},
        "a process crash", new Path[] {before, before, log},
        "the arena forced", new Path[] {before, before, after},
        "the index committed", new Path[] {before, after, after},
        "the trace committed", new Path[] {after, after, after});
    for (Map.Entry<String, Path[]> step : new TreeMap<>(steps).entrySet()) {
      Path crashed = dir.resolve("crashed-" + step.getKey().replace(' ', '-'));
      copyStores(step.getValue()[0], crashed, "trace");
      copyStores(step.getValue()[1], crashed, "atlas");
      copyStores(step.getValue()[2], crashed, "blobs");
      copyStores(log, crashed, "wal");
      Path replayed = dir.resolve("replayed-" + step.getKey().replace(' ', '-'));
      try (Aeon aeon = Aeon.open(crashed, EngineTest.options())) {
        assertHoldsEveryWrite(aeon, step.getKey());
        Files.createDirectories(replayed);
        DamagedStoresTest.copyTree(crashed, replayed); // what a crash right after the replay leaves
      }
      assertArenaHoldsOnlyLiveTexts(crashed, liveTextBytes, step.getKey());
      try (Aeon aeon = Aeon.open(replayed, EngineTest.options())) {
        assertHoldsEveryWrite(aeon, step.getKey() + ", replayed twice");
      }
      assertArenaHoldsOnlyLiveTexts(replayed, liveTextBytes, step.getKey() + ", replayed twice");
    }
  }

  /**
   * Three events of one text after the checkpoint, the first forgotten, and a process crash (the directory copied
   * while open): replay gives each event a blob of its own among the three the arena holds. Two events given one
   * blob would lose their text when the forget's free came at the close's checkpoint.
   */
  @Test
  void eventsOfOneTextEachTakeABlobOfTheirOwn() throws IOException {
    Path live = dir.resolve("live");
    Path crashed = dir.resolve("crashed");
    try (Aeon aeon = Aeon.open(live, EngineTest.options())) {
      Memory m = aeon.memory();
      m.remember(Remember.event("s", "user", "before"));
      m.checkpoint();
      for (int i = 0; i < 3; i++) {
        m.remember(Remember.event("s", "user", "same")); // events 2 to 4
      }
      m.forget(2);
      copyStores(live, crashed, "wal", "trace", "blobs");
    }
    for (int open = 0; open < 2; open++) { // the forget's free comes at the first close
      try (Aeon aeon = Aeon.open(crashed, EngineTest.options())) {
        Memory m = aeon.memory();
        assertTrue(m.get(2).isEmpty());
        assertEquals("same", m.get(3).orElseThrow().text());
        assertEquals("same", m.get(4).orElseThrow().text());
        assertEquals(List.of(), aeon.check("default"));
      }
    }
    try (BlobArena arena = BlobArena.open(namespace(crashed).resolve("blobs"))) {
      assertEquals(3, arena.stats().liveBlobs(), "the texts of events 1, 3 and 4");
    }
  }

  /**
   * After a close, whose checkpoint frees the forgotten texts: the arena holds the texts of the five live events
   * and no other blob. A text stored twice stays live (no event names the first copy) until a compaction.
   */
  private static void assertArenaHoldsOnlyLiveTexts(Path root, long liveTextBytes, String step) throws IOException {
    try (BlobArena arena = BlobArena.open(namespace(root).resolve("blobs"))) {
      ArenaStats stats = arena.stats();
      assertEquals(5, stats.liveBlobs(), step + ": live blobs");
      assertEquals(liveTextBytes, stats.liveBytes(), step + ": live bytes");
    }
  }

  private static void assertHoldsEveryWrite(Aeon aeon, String step) {
    Memory m = aeon.memory();
    assertEquals(List.of(), aeon.check("default"), step);
    assertEquals(5, m.stats().events(), step);
    for (long id : new long[] {1, 5, 7, 9, 13}) {
      assertEquals("text-" + id, m.get(id).orElseThrow(() -> new AssertionError(step + ": event " + id + " lost"))
          .text(), step);
      assertEquals(id, m.recall(Recall.vector(TestVectors.unit(id), 1)).getFirst().event().id(), step);
    }
    for (long id : new long[] {2, 3, 4, 6, 8, 10, 11, 12}) {
      assertTrue(m.get(id).isEmpty(), step + ": forgotten event " + id + " is back");
    }
    assertEquals(Map.of("k", 55L, "new", "x"), m.get(5).orElseThrow().attributes(), step);
    assertEquals(List.of(List.of(13L, 5L)), m.query("MATCH (a)-[:R]->(b) RETURN a.id, b.id", Map.of()).rows(), step);
    assertEquals(Set.of(List.of(9L, 7L), List.of(13L, 5L)), Set.copyOf(m.query(
        "MATCH (a)-[:R]->(b) AS OF $t RETURN a.id, b.id", Map.of("t", 4_999L)).rows()),
        step + ": the invalidated link, as of before its end");
  }

  private static void copyStores(Path from, Path to, String... stores) throws IOException {
    for (String store : stores) {
      Path target = namespace(to).resolve(store);
      Files.createDirectories(target.getParent());
      DamagedStoresTest.copyTree(namespace(from).resolve(store), target);
    }
  }
}
