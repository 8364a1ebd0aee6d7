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

  private static final int TURNS = 300;

  @Test
  void replayMeasuresBothPathsAndTheModelMatchesTheEngineCounters() throws Exception {
    List<float[]> vectors = walk(new SplittableRandom(3));
    Replay replay = new Replay(List.of(conversation()), List.of(vectors), Background.none());
    ReplayResult r = replay.run(dir.resolve("m"), 0.85f, 0);
    check(r, TURNS);
  }

  @Test
  void aBackgroundCompetesForTheTopResultsAndCountsInTheExactAnswer() throws Exception {
    SplittableRandom random = new SplittableRandom(4);
    List<float[]> vectors = walk(random);
    // Near copies of the turns (the query's own among them): much of each exact top 10 is background.
    List<String> texts = new ArrayList<>();
    float[][] near = new float[TURNS][];
    for (int i = 0; i < TURNS; i++) {
      texts.add("background " + i);
      near[i] = walkStep(vectors.get(i), random, 0.01f);
    }
    Background background = new Background(texts, near);
    ReplayResult r = new Replay(List.of(conversation()), List.of(vectors), background).run(dir.resolve("m"), 0.85f, 1);
    check(r, TURNS);
  }

  private static void check(ReplayResult r, int n) {
    assertEquals(n - 1, r.queries());
    assertEquals(n - 1, r.noSlb.count());
    assertTrue(r.agreesWithEngine(), "engine counted " + r.engineHits + " hits, " + r.engineMisses + " misses");
    assertTrue(r.count(Outcome.HIT) > 50, "hits: " + r.count(Outcome.HIT));
    assertTrue(r.count(Outcome.MISS) > 0);
    assertTrue(r.recallNoSlb / r.queries() > 0.95, "recall without: " + r.recallNoSlb / r.queries());
    assertTrue(r.recallSlb / r.queries() > 0.9, "recall with: " + r.recallSlb / r.queries());
    assertTrue(r.slb.meanNanos() > 0 && r.noSlb.meanNanos() > 0);
  }

  /** Turn vectors that drift slowly, with a new topic every 40 turns. */
  private static List<float[]> walk(SplittableRandom random) {
    List<float[]> vectors = new ArrayList<>();
    float[] v = walkStep(new float[384], random, 1f);
    for (int i = 0; i < TURNS; i++) {
      v = walkStep(v, random, i % 40 == 0 ? 1f : 0.03f);
      vectors.add(v);
    }
    return vectors;
  }

  private static Conversation conversation() {
    List<Turn> turns = new ArrayList<>();
    for (int i = 0; i < TURNS; i++) {
      turns.add(new Turn(i, "D1:" + i, 1 + i / 40, "1:00 pm on 1 May, 2023", 1_000_000L * i, i % 2 == 0 ? "A" : "B",
          "turn " + i));
    }
    return new Conversation("conv-test", "A", "B", turns, List.of(), 0, 0);
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
