package dev.aeon.bench.slb;

import dev.aeon.bench.locomo.LocomoData.Conversation;
import dev.aeon.bench.locomo.LocomoData.Turn;
import dev.aeon.bench.slb.LookasideModel.Outcome;
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
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Replays conversations turn by turn into fresh namespaces (one per conversation, durability OFF) and,
 * before remembering each turn, uses it as a recall query against the memory so far: once through the
 * lookaside buffer and once bypassing it, in alternating order, both in the same state. Recall@k of each
 * is measured against brute-force cosine over the turns remembered so far.
 */
final class Replay {

  static final int K = 10;
  /** Candidates a lookaside entry keeps and its rescan window (the engine's {@code Reads.SLB_CANDIDATES}). */
  static final int SLB_CANDIDATES = 32;
  /** Scores this close to the k-th exact score count as ties. */
  private static final float TIE = 1e-6f;

  private final List<Conversation> conversations;
  private final List<List<float[]>> vectors;

  /** {@code vectors}: per conversation, the unit vector of each turn. */
  Replay(List<Conversation> conversations, List<List<float[]>> vectors) {
    this.conversations = conversations;
    this.vectors = vectors;
  }

  /** Replays every conversation with the buffer at {@code threshold} in a new memory under {@code dir}. */
  ReplayResult run(Path dir, float threshold) throws IOException {
    AeonOptions defaults = AeonOptions.defaults();
    // No background checkpoint during a replay: it would land in one side's latencies at random.
    AeonOptions options = defaults.withDurability(Durability.OFF)
        .withCheckpoints(1L << 40, Duration.ofDays(1))
        .withSlb(defaults.slbEntriesPerSession(), threshold, defaults.slbMaxBytes());
    ReplayResult result = new ReplayResult(threshold);
    try (Aeon aeon = Aeon.open(dir, options)) {
      for (int c = 0; c < conversations.size(); c++) {
        Conversation conversation = conversations.get(c);
        Memory m = aeon.namespace(conversation.id().replaceAll("[^A-Za-z0-9_.-]", "_"));
        replay(m, conversation.turns(), vectors.get(c),
            new LookasideModel(options.slbEntriesPerSession(), threshold, SLB_CANDIDATES), result);
        MemoryStats stats = m.stats();
        result.engineHits += stats.slbHits();
        result.engineMisses += stats.slbMisses();
        result.conversations++;
      }
    } finally {
      deleteTree(dir);
    }
    return result;
  }

  private static void replay(Memory m, List<Turn> turns, List<float[]> vectors, LookasideModel model,
      ReplayResult out) {
    Map<Long, Integer> turnOfId = new HashMap<>();
    for (int i = 0; i < turns.size(); i++) {
      float[] q = vectors.get(i);
      if (i > 0) {
        float[] exact = exactScores(q, vectors, i);
        float kth = kthBest(exact, Math.min(K, i));
        boolean slbFirst = i % 2 == 0;
        Timed first = Timed.recall(m, q, slbFirst);
        Timed second = Timed.recall(m, q, !slbFirst);
        Timed withSlb = slbFirst ? first : second;
        Timed without = slbFirst ? second : first;
        Outcome outcome = model.recall(q, K, i);
        out.add(outcome, withSlb.nanos, recall(withSlb.hits, turnOfId, exact, kth, Math.min(K, i)),
            without.nanos, recall(without.hits, turnOfId, exact, kth, Math.min(K, i)));
      }
      Turn t = turns.get(i);
      long id = m.remember(Remember.event("session-" + t.session(), t.speaker(), t.text()).vector(q)
          .at(t.timestampMicros()));
      turnOfId.put(id, i);
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

  private static float kthBest(float[] scores, int k) {
    float[] sorted = scores.clone();
    java.util.Arrays.sort(sorted);
    return sorted[sorted.length - k];
  }

  /** Share of the exact top {@code k} found: results scoring (exactly) at least the k-th best count. */
  private static double recall(List<Recalled> hits, Map<Long, Integer> turnOfId, float[] exact, float kth, int k) {
    int found = 0;
    for (Recalled r : hits) {
      Integer turn = turnOfId.get(r.event().id());
      if (turn != null && exact[turn] >= kth - TIE) {
        found++;
      }
    }
    return Math.min(1.0, (double) found / k);
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
