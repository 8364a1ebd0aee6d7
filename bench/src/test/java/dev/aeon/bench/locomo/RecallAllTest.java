package dev.aeon.bench.locomo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.TextEmbedder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The timed pass of a recall method runs after an untimed one, so it measures compiled code. */
class RecallAllTest {

  /** Every text on the same unit vector: the rankings below do not look at vectors. */
  private static final class Flat implements TextEmbedder {
    @Override
    public int dimension() {
      return 2;
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
      return texts.stream().map(t -> new float[] {1, 0}).toList();
    }
  }

  @Test
  void aSlowFirstCallIsNotTimed(@TempDir Path cache) throws Exception {
    Corpus corpus = Corpus.embed(LocomoData.load(LocomoDataTest.tiny()), new Flat(), new VectorCache(cache));
    AtomicInteger calls = new AtomicInteger();
    LocomoBench.Ranker coldFirst = (c, q) -> {
      if (calls.getAndIncrement() == 0) {
        try {
          Thread.sleep(200); // what a first call costs before the JIT has compiled anything, exaggerated
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return corpus.conversations.get(c).questions().get(q).evidence();
    };
    Latencies latencies = new Latencies();
    HitCounter hits = LocomoBench.recallAll(corpus, coldFirst, latencies);
    assertEquals(3, latencies.count(), "each question timed once");
    assertEquals(3, hits.questions());
    assertEquals(1.0, hits.hitAt(1), "the timed pass's rankings are the ones scored");
    double slowest = latencies.percentileMicros(100);
    assertTrue(slowest < 100_000, "slowest timed call: " + slowest + " us");
  }
}
