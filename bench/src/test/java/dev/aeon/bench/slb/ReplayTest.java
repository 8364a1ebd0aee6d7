package dev.aeon.bench.slb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.bench.locomo.LocomoData.Conversation;
import dev.aeon.bench.locomo.LocomoData.Turn;
import dev.aeon.bench.slb.LookasideModel.Outcome;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A synthetic conversation whose turns drift slowly (a random walk), so that the buffer has hits. */
class ReplayTest {

  @TempDir
  Path dir;

  @Test
  void replayMeasuresBothPathsAndTheModelMatchesTheEngineCounters() throws Exception {
    int n = 300;
    SplittableRandom random = new SplittableRandom(3);
    List<Turn> turns = new ArrayList<>();
    List<float[]> vectors = new ArrayList<>();
    float[] v = walkStep(new float[384], random, 1f);
    for (int i = 0; i < n; i++) {
      v = walkStep(v, random, i % 40 == 0 ? 1f : 0.03f); // a new topic every 40 turns
      vectors.add(v);
      turns.add(new Turn(i, "D1:" + i, 1 + i / 40, "1:00 pm on 1 May, 2023", 1_000_000L * i, i % 2 == 0 ? "A" : "B",
          "turn " + i));
    }
    Conversation c = new Conversation("conv-test", "A", "B", turns, List.of(), 0, 0);
    ReplayResult r = new Replay(List.of(c), List.of(vectors)).run(dir.resolve("m"), 0.85f);
    assertEquals(n - 1, r.queries());
    assertEquals(n - 1, r.noSlb.count());
    assertTrue(r.agreesWithEngine(), "engine counted " + r.engineHits + " hits, " + r.engineMisses + " misses");
    assertTrue(r.count(Outcome.HIT) > 50, "hits: " + r.count(Outcome.HIT));
    assertTrue(r.count(Outcome.MISS) > 0);
    assertTrue(r.recallNoSlb / r.queries() > 0.95, "recall without: " + r.recallNoSlb / r.queries());
    assertTrue(r.recallSlb / r.queries() > 0.9, "recall with: " + r.recallSlb / r.queries());
    assertTrue(r.slb.meanNanos() > 0 && r.noSlb.meanNanos() > 0);
  }

  /** {@code v} plus Gaussian noise of the given size, normalised. */
  private static float[] walkStep(float[] v, SplittableRandom random, float noise) {
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] + noise * (float) random.nextGaussian() / (float) Math.sqrt(v.length);
    }
    return SlbBench.unit(out);
  }
}
