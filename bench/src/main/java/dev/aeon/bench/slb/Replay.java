package dev.aeon.bench.slb;

import dev.aeon.bench.locomo.LocomoData.Conversation;
import dev.aeon.bench.locomo.LocomoData.Turn;
import dev.aeon.bench.slb.LookasideModel.Outcome;
import dev.aeon.bench.util.BenchFiles;
import dev.aeon.engine.Aeon;
import dev.aeon.engine.AeonOptions;
import dev.aeon.engine.Durability;
import dev.aeon.engine.Memory;
import dev.aeon.engine.MemoryStats;
import dev.aeon.engine.Recall;
import dev.aeon.engine.Recalled;
import dev.aeon.engine.Remember;
import dev.aeon.index.kernel.Kernels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays conversations turn by turn into fresh namespaces (one per conversation, durability OFF) and,
 * before remembering each turn, uses it as a recall query against the memory so far: once through the
 * lookaside buffer and once bypassing it, in alternating order, both in the same state. Recall@k of each
 * is measured against brute-force cosine over the events remembered so far: the turns before it, and the
 * {@link Background} events remembered into the namespace first (none by default).
 */
final class Replay {

  static final int K = 10;
  /** Candidates a lookaside entry keeps and its rescan window (the engine's {@code Reads.SLB_CANDIDATES}). */
  static final int SLB_CANDIDATES = 32;
  /** Scores this close to the k-th exact score count as ties. */
  private static final float TIE = 1e-6f;

  private final List<Conversation> conversations;
  private final List<List<float[]>> vectors;
  private final Background background;
  /** Per conversation and turn, the background's best {@link #K} scores for the turn as a query. */
  private final List<float[][]> backgroundBest = new ArrayList<>();

  /**
   * {@code vectors}: per conversation, the unit vector of each turn; {@code background}: remembered into
   * each namespace before its conversation.
   */
  Replay(List<Conversation> conversations, List<List<float[]>> vectors, Background background) {
    this.conversations = conversations;
    this.vectors = vectors;
    this.background = background;
    for (List<float[]> turns : vectors) {
      backgroundBest.add(background.bestScores(turns, K));
    }
  }

  /**
   * Replays every conversation with the buffer at {@code threshold} in a new memory under {@code dir}.
   * Which of a turn's two recalls goes first alternates from turn to turn, and flips with the parity of
   * {@code replayIndex}: a stall tied to a turn (such as the re-measurement of the index's checks, which
   * used to run inside the first search after the index grew by a quarter) comes at the same turn in every
   * replay, so over an even number of replays it falls on each side equally often.
   */
  ReplayResult run(Path dir, float threshold, int replayIndex) throws IOException {
    AeonOptions defaults = AeonOptions.defaults();
    // No background checkpoint during a replay: it would land in one side's latencies at random.
    AeonOptions options = defaults.withDurability(Durability.OFF)
        .withCheckpoints(1L << 40, Duration.ofDays(1))
        .withSlb(defaults.slbEntriesPerSession(), threshold, defaults.slbMaxBytes())
        .withSlbMinVectors(0); // the buffer serves every recall, whatever the memory's size: it is what is measured
    ReplayResult result = new ReplayResult(threshold);
    try (Aeon aeon = Aeon.open(dir, options)) {
      for (int c = 0; c < conversations.size(); c++) {
        Conversation conversation = conversations.get(c);
        Memory m = aeon.namespace(conversation.id().replaceAll("[^A-Za-z0-9_.-]", "_"));
        Map<Long, float[]> vectorOfId = remember(m, background);
        replay(m, conversation.turns(), vectors.get(c), backgroundBest.get(c), vectorOfId, replayIndex % 2,
            new LookasideModel(options.slbEntriesPerSession(), threshold, SLB_CANDIDATES), result);
        MemoryStats stats = m.stats();
        result.engineHits += stats.slbHits();
        result.engineMisses += stats.slbMisses();
        result.conversations++;
      }
    } finally {
      BenchFiles.deleteTree(dir);
    }
    return result;
  }

  /**
   * Remembers the background events; returns the vector of each by id. One untimed recall follows: the
   * first search of an index measures its checks (milliseconds of searches), which must not land in the
   * first measured query.
   */
  private static Map<Long, float[]> remember(Memory m, Background background) {
    Map<Long, float[]> vectorOfId = new HashMap<>();
    for (int i = 0; i < background.size(); i++) {
      float[] v = background.vectors()[i];
      vectorOfId.put(m.remember(Remember.event("background", "document", background.texts().get(i)).vector(v)), v);
    }
    if (background.size() > 0) {
      m.recall(Recall.vector(background.vectors()[0], K).slb(false));
    }
    return vectorOfId;
  }

  /**
   * Replays the turns; {@code vectorOfId} starts with the background's events and gets each turn's.
   * {@code backgroundBest}: per turn, the background's best scores for it.
   */
  private static void replay(Memory m, List<Turn> turns, List<float[]> vectors, float[][] backgroundBest,
      Map<Long, float[]> vectorOfId, int parity, LookasideModel model, ReplayResult out) {
    int before = vectorOfId.size();
    for (int i = 0; i < turns.size(); i++) {
      float[] q = vectors.get(i);
      if (i > 0) {
        int k = Math.min(K, before + i);
        float kth = kthBest(exactScores(q, vectors, i), backgroundBest[i], k);
        boolean slbFirst = (i + parity) % 2 == 0;
        Timed first = Timed.recall(m, q, slbFirst);
        Timed second = Timed.recall(m, q, !slbFirst);
        Timed withSlb = slbFirst ? first : second;
        Timed without = slbFirst ? second : first;
        Outcome outcome = model.recall(q, K, before + i);
        out.add(outcome, withSlb.nanos, recall(q, withSlb.hits, vectorOfId, kth, k),
            without.nanos, recall(q, without.hits, vectorOfId, kth, k));
      }
      Turn t = turns.get(i);
      long id = m.remember(Remember.event("session-" + t.session(), t.speaker(), t.text()).vector(q)
          .at(t.timestampMicros()));
      vectorOfId.put(id, q);
    }
  }

  /** One recall's results and its duration. */
  private record Timed(long nanos, List<Recalled> hits) {
    /** Recalls {@code q} through the buffer or bypassing it. */
    static Timed recall(Memory m, float[] q, boolean slb) {
      Recall r = Recall.vector(q, K).slb(slb);
      long start = System.nanoTime();
      List<Recalled> hits = m.recall(r);
      return new Timed(System.nanoTime() - start, hits);
    }
  }

  private static float[] exactScores(float[] q, List<float[]> vectors, int n) {
    float[] s = new float[n];
    for (int j = 0; j < n; j++) {
      s[j] = Kernels.dot(q, vectors.get(j));
    }
    return s;
  }

  /** The k-th best of the two lists of scores together. */
  private static float kthBest(float[] scores, float[] moreScores, int k) {
    float[] sorted = java.util.Arrays.copyOf(scores, scores.length + moreScores.length);
    System.arraycopy(moreScores, 0, sorted, scores.length, moreScores.length);
    java.util.Arrays.sort(sorted);
    return sorted[sorted.length - k];
  }

  /** Share of the exact top {@code k} found: results scoring (exactly) at least the k-th best count. */
  private static double recall(float[] q, List<Recalled> hits, Map<Long, float[]> vectorOfId, float kth, int k) {
    int found = 0;
    for (Recalled r : hits) {
      float[] v = vectorOfId.get(r.event().id());
      if (v != null && Kernels.dot(q, v) >= kth - TIE) {
        found++;
      }
    }
    return Math.min(1.0, (double) found / k);
  }

}
