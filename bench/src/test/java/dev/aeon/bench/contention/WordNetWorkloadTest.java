package dev.aeon.bench.contention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.bench.slb.Background;
import dev.aeon.common.ebr.Epochs;
import dev.aeon.engine.Aeon;
import dev.aeon.engine.AeonOptions;
import dev.aeon.engine.Durability;
import dev.aeon.engine.Event;
import dev.aeon.engine.Memory;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@code --vectors wordnet} splits the glosses: the memory, the queries (never remembered) and the
 * writer's, and that the writer never has a gloss twice in the memory. Small made-up glosses stand in for
 * WordNet's (embedding 100,000 takes minutes); the memory they go into is a real one.
 */
class WordNetWorkloadTest {

  @TempDir
  Path dir;

  /** {@code n} glosses "gloss i", each with its own unit vector of 8 dimensions. */
  private static Background glosses(int n) {
    SplittableRandom r = new SplittableRandom(3);
    float[][] vectors = new float[n][];
    for (int i = 0; i < n; i++) {
      float[] v = new float[8];
      double norm = 0;
      for (int d = 0; d < v.length; d++) {
        v[d] = (float) r.nextGaussian();
        norm += v[d] * v[d];
      }
      for (int d = 0; d < v.length; d++) {
        v[d] /= (float) Math.sqrt(norm);
      }
      vectors[i] = v;
    }
    return new Background(IntStream.range(0, n).mapToObj(i -> "gloss " + i).toList(), vectors);
  }

  @Test
  void theMemoryIsTheFirstGlossesAndTheQueriesTheOnesAfterThem() {
    Background g = glosses(20);
    WordNetWorkload w = new WordNetWorkload(g, 10, 3);
    assertEquals(10, w.events());
    assertEquals(3, w.queries().length);
    for (int q = 0; q < 3; q++) {
      assertArrayEquals(g.vectors()[10 + q], w.queries()[q]);
    }
    assertEquals(7, w.spare(), "the writer's glosses: the 7 after the queries");
    assertEquals(VectorKind.WORDNET, w.kind());
    assertTrue(w.description().contains("the memory holds 10"), w.description());
  }

  @Test
  void theNeededGlossesAreRefusedWhenWordNetHasTooFew() {
    assertEquals(111_000, WordNetWorkload.glossesNeeded(100_000, 1_000, 117_659));
    assertEquals(117_659, WordNetWorkload.glossesNeeded(110_000, 1_000, 117_659), "what there is, for the writer");
    assertEquals(117_659, WordNetWorkload.glossesNeeded(115_659, 1_000, 117_659), "the largest --events");
    var refused = assertThrows(IllegalArgumentException.class,
        () -> WordNetWorkload.glossesNeeded(115_660, 1_000, 117_659));
    assertEquals("--events 115,660 is more than WordNet's 117,659 glosses hold beside 1,000 queries and at least"
        + " 1,000 for the writer; with --vectors wordnet, --events can be at most 115,659", refused.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new WordNetWorkload(glosses(13), 10, 3));
  }

  /**
   * A writer that went through the spare glosses in turn and began again would, after one round, remember
   * glosses whose earlier events it had not forgotten: the memory would hold copies. Run against a real
   * memory, far past one round of the writer's glosses: every gloss in it once, none a query, as many as loaded.
   */
  @Test
  void theWriterNeverHasAGlossTwiceInTheMemoryNorAQuery() throws Exception {
    Background g = glosses(40);
    WordNetWorkload w = new WordNetWorkload(g, 20, 5);
    try (Aeon aeon = Aeon.open(dir, AeonOptions.defaults().withDurability(Durability.OFF))) {
      Memory memory = aeon.memory();
      LiveEvents live = new LiveEvents(20);
      for (int i = 0; i < 20; i++) {
        live.add(memory.remember(w.loaded(i)), i);
      }
      AtomicInteger rounds = new AtomicInteger();
      ChurnWriter writer;
      try (Epochs epochs = new Epochs()) {
        writer = new ChurnWriter(memory, live, w, epochs, new OpenLoopReader.Board(),
            () -> rounds.getAndIncrement() >= 300, 0);
        writer.run();
      }
      assertEquals(0, writer.errors);
      assertEquals(600, writer.operations(), "300 remembers and 300 forgets");
      assertEquals(20, live.size());
      assertEquals(20, memory.stats().events());
      assertEquals(15, w.spare(), "the 40 glosses less the 20 in the memory and the 5 queries");
      Set<String> texts = new HashSet<>();
      for (int i = 0; i < live.size(); i++) {
        Event e = memory.get(live.id(i)).orElseThrow();
        assertEquals("gloss " + live.item(i), e.text());
        assertTrue(texts.add(e.text()), "twice in the memory: " + e.text());
      }
      List<String> queries = IntStream.range(20, 25).mapToObj(i -> "gloss " + i).toList();
      for (String q : queries) {
        assertFalse(texts.contains(q), "a query in the memory: " + q);
      }
      assertTrue(IntStream.range(0, live.size()).anyMatch(i -> live.item(i) >= 25),
          "the writer's own glosses are in the memory after 300 pairs");
    }
  }
}
