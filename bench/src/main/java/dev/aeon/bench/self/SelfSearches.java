package dev.aeon.bench.self;

import dev.aeon.index.atlas.AtlasIndex;
import dev.aeon.index.atlas.SearchParams;
import dev.aeon.index.atlas.SearchResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.roaringbitmap.RoaringBitmap;

/**
 * Searches an index with each of its own vectors ({@code k} results, default parameters or the same without the
 * sketch pass) and sorts the answers:
 * <ul>
 *   <li>first: the vector's own id ranks 1;
 *   <li>tied: only exact duplicates of the vector (the same text embeds to the same vector) rank before it, or
 *       fill the top k: a tie of equal scores, not a loss;
 *   <li>late: in the top k, but behind a different vector;
 *   <li>not probed: missing, and not in the leaves the search scored (the descent missed its leaf);
 *   <li>lost in candidates: missing though its leaf was scored: the sketch or INT8 pass did not keep it among the
 *       candidates the FP32 re-rank takes (the re-rank depth). For these, the depth that finds it in the same leaves.
 * </ul>
 */
final class SelfSearches {

  /** The deepest candidate list tried when looking for the depth that would have found a lost vector. */
  static final int MAX_DEPTH = 1 << 16;
  /** The widest search {@link #nprobeNeeded} tries. */
  static final int MAX_NPROBE = 1 << 20;
  /** Cosines from this up count as near-duplicates of a lost vector. */
  static final float NEAR = 0.95f;
  /** Lost vectors described one by one in the report. */
  static final int EXAMPLES = 5;

  private SelfSearches() {}

  /** One lost or late vector, described. */
  record Example(long id, String outcome, int rankOrMinusOne, int depthNeeded, int nearDuplicates,
      float nearestOtherCosine, String text, String nearestOtherText) {}

  /**
   * The counts of one index and one k.
   *
   * @param depth the candidates a default search of k re-ranks with FP32 (the sketch depth when the sketch pass is
   *     on)
   * @param depthsNeeded for each vector lost in the candidates, the smallest power-of-two depth that found it in the
   *     same leaves (0: none up to {@link #MAX_DEPTH})
   * @param nprobesNeeded for each vector whose leaf was not probed, the smallest power-of-two nprobe above the
   *     default that found it (0: none up to {@link #MAX_NPROBE})
   */
  record Tally(int k, int queries, boolean sketches, int depth, int first, int tied, int late, int notProbed,
      int lostInCandidates, int withDuplicates, List<Integer> depthsNeeded, List<Integer> nprobesNeeded,
      List<Example> examples) {

    int notFirst() {
      return late + notProbed + lostInCandidates;
    }

    int notInTopK() {
      return notProbed + lostInCandidates;
    }
  }

  static Tally run(AtlasIndex index, SearchParams params, long[] ids, float[][] vectors, List<String> texts, int k) {
    Map<Long, Integer> group = duplicateGroups(ids, vectors);
    Map<Integer, Integer> groupSize = new HashMap<>();
    group.values().forEach(g -> groupSize.merge(g, 1, Integer::sum));
    Map<Long, Integer> position = new HashMap<>();
    for (int i = 0; i < ids.length; i++) {
      position.put(ids[i], i);
    }
    SearchParams resolved = index.resolve(params);
    boolean sketches = resolved.sketchDepth() == 0;
    int depth = resolved.effectiveRerankDepth(k);
    int first = 0, tied = 0, late = 0, notProbed = 0, lost = 0, withDuplicates = 0;
    List<Integer> needed = new ArrayList<>();
    List<Integer> nprobes = new ArrayList<>();
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < ids.length; i++) {
      long self = ids[i];
      int g = group.get(self);
      if (groupSize.get(g) > 1) {
        withDuplicates++;
      }
      SearchResult r = index.search(vectors[i], k, params);
      int rank = indexOf(r.ids(), self);
      if (rank == 0) {
        first++;
        continue;
      }
      int before = rank < 0 ? r.size() : rank;
      boolean onlyDuplicatesBefore = before > 0 || rank < 0;
      for (int j = 0; j < before; j++) {
        onlyDuplicatesBefore &= group.get(r.ids()[j]) == g;
      }
      if (onlyDuplicatesBefore && (rank > 0 || r.size() == k)) {
        tied++;
        continue;
      }
      String outcome;
      int depthNeeded = -1;
      if (rank > 0) {
        late++;
        outcome = "late";
      } else if (!inLeaves(index, vectors[i], self, r.leafIds())) {
        notProbed++;
        outcome = "not_probed";
        nprobes.add(nprobeNeeded(index, params, vectors[i], self, k));
      } else {
        lost++;
        outcome = "lost_in_candidates";
        depthNeeded = depthNeeded(index, resolved, vectors[i], self, k, r.leafIds(), depth);
        needed.add(depthNeeded);
      }
      if (examples.size() < EXAMPLES) {
        examples.add(describe(index, vectors[i], self, g, group, position, texts, outcome, rank, depthNeeded));
      }
    }
    return new Tally(k, ids.length, sketches, depth, first, tied, late, notProbed, lost, withDuplicates, needed,
        nprobes, examples);
  }

  /** Ids grouped by the exact values of their vectors: a group of more than one is a set of exact duplicates. */
  private static Map<Long, Integer> duplicateGroups(long[] ids, float[][] vectors) {
    Map<List<Float>, Integer> groups = new HashMap<>();
    Map<Long, Integer> out = new HashMap<>();
    for (int i = 0; i < ids.length; i++) {
      List<Float> key = new ArrayList<>(vectors[i].length);
      for (float x : vectors[i]) {
        key.add(x);
      }
      out.put(ids[i], groups.computeIfAbsent(key, x -> groups.size()));
    }
    return out;
  }

  /** Whether {@code self} is in one of {@code leaves}: a search of those leaves only, filtered to it. */
  private static boolean inLeaves(AtlasIndex index, float[] v, long self, int[] leaves) {
    SearchParams everyEntry = SearchParams.defaults().withSketchDepth(SearchParams.NO_SKETCH);
    return index.searchFrom(v, 1, everyEntry, RoaringBitmap.bitmapOf((int) self), leaves, false).size() == 1;
  }

  /** The smallest power of two above {@code depth} whose candidates, from the same leaves, hold {@code self}. */
  private static int depthNeeded(AtlasIndex index, SearchParams resolved, float[] v, long self, int k, int[] leaves,
      int depth) {
    for (int d = Integer.highestOneBit(depth) * 2; d <= MAX_DEPTH; d *= 2) {
      SearchParams p = resolved.withRerankDepth(d).withSketchDepth(resolved.sketchDepth() == 0 ? d
          : SearchParams.NO_SKETCH);
      if (indexOf(index.searchFrom(v, k, p, null, leaves, false).ids(), self) >= 0) {
        return d;
      }
    }
    return 0;
  }

  /**
   * The smallest power of two above the search's nprobe with which a search of {@code v} finds {@code self}; 0 if none
   * up to {@link #MAX_NPROBE} does.
   */
  static int nprobeNeeded(AtlasIndex index, SearchParams params, float[] v, long self, int k) {
    int nprobe = params.nprobe() > 0 ? params.nprobe() : SearchParams.DEFAULT_NPROBE;
    for (int n = Integer.highestOneBit(nprobe) * 2; n <= MAX_NPROBE; n *= 2) {
      if (indexOf(index.search(v, k, params.withNprobe(n)).ids(), self) >= 0) {
        return n;
      }
    }
    return 0;
  }

  private static Example describe(AtlasIndex index, float[] v, long self, int g, Map<Long, Integer> group,
      Map<Long, Integer> position, List<String> texts, String outcome, int rank, int depthNeeded) {
    SearchResult exact = index.exactSearch(v, 256);
    int near = 0;
    float nearest = Float.NaN;
    String nearestText = null;
    for (int j = 0; j < exact.size(); j++) {
      long id = exact.ids()[j];
      if (id == self || group.get(id) == g) {
        continue;
      }
      if (Float.isNaN(nearest)) {
        nearest = exact.scores()[j];
        nearestText = texts.get(position.get(id));
      }
      near += exact.scores()[j] >= NEAR ? 1 : 0;
    }
    return new Example(self, outcome, rank, depthNeeded, near, nearest, texts.get(position.get(self)), nearestText);
  }

  static int indexOf(long[] ids, long id) {
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] == id) {
        return i;
      }
    }
    return -1;
  }

  /** Microseconds per search of k, over every vector in turn, the best of {@code rounds} passes. */
  static double microsPerSearch(AtlasIndex index, SearchParams params, float[][] vectors, int k, int rounds) {
    double best = Double.MAX_VALUE;
    long sink = 0;
    for (int round = 0; round < rounds; round++) {
      long start = System.nanoTime();
      for (float[] v : vectors) {
        sink += index.search(v, k, params).ids()[0];
      }
      best = Math.min(best, (System.nanoTime() - start) / 1e3 / vectors.length);
    }
    if (sink == 42) {
      System.out.print(""); // keeps the answers live
    }
    return best;
  }

  static int[] sorted(List<Integer> values) {
    int[] a = values.stream().mapToInt(Integer::intValue).toArray();
    Arrays.sort(a);
    return a;
  }
}
