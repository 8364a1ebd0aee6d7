package dev.aeon.bench.self;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.index.atlas.AtlasConfig;
import dev.aeon.index.atlas.AtlasIndex;
import dev.aeon.index.atlas.SearchParams;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The self-search benchmark's sorting of answers, on real indexes of seeded vectors built to show each outcome: exact
 * duplicates (ties), leaves a narrow descent does not reach, and near-duplicates that a re-rank of one candidate loses.
 */
class SelfSearchesTest {

  private static final int DIM = 64;
  private static final long SEED = 20_240_611L;

  @TempDir
  Path dir;

  @Test
  void exactDuplicatesRankingFirstAreTiesNotLosses() throws IOException {
    Random random = new Random(SEED);
    List<float[]> vectors = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      vectors.add(gaussian(random));
    }
    for (int copy = 0; copy < 5; copy++) {
      vectors.add(vectors.get(7).clone()); // the same text embedded six times
    }
    try (AtlasIndex index = index(vectors)) {
      SelfSearches.Tally t = run(index, SearchParams.defaults(), vectors, 10);
      assertEquals(6, t.withDuplicates(), "seed " + SEED);
      // Each of the six finds the same copy first: the other five are ties, not losses.
      assertEquals(5, t.tied(), "seed " + SEED);
      assertEquals(0, t.late() + t.notInTopK(), "seed " + SEED);
      assertEquals(vectors.size(), t.first() + t.tied());
    }
  }

  @Test
  void aVectorWhoseLeafANarrowDescentMissesIsNotProbed() throws IOException {
    Random random = new Random(SEED);
    List<float[]> vectors = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      vectors.add(gaussian(random)); // no clusters: a leaf's centroid says little about its vectors
    }
    try (AtlasIndex index = index(vectors)) {
      SearchParams oneLeaf = SearchParams.nprobe(1);
      SelfSearches.Tally t = run(index, oneLeaf, vectors, 10);
      assertEquals(misses(index, oneLeaf, vectors, 10), t.notInTopK(), "seed " + SEED);
      assertTrue(t.notProbed() > 0, "seed " + SEED + ": " + t);
      assertEquals(t.notProbed(), t.nprobesNeeded().size());
      assertTrue(t.nprobesNeeded().stream().allMatch(n -> n >= 2), t.nprobesNeeded().toString());
      assertEquals(vectors.size(), t.first() + t.tied() + t.late() + t.notInTopK());
    }
  }

  @Test
  void nearDuplicatesBeyondTheRerankDepthAreLostInTheCandidates() throws IOException {
    Random random = new Random(SEED);
    float[] phrase = gaussian(random);
    List<float[]> vectors = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      float[] v = phrase.clone(); // "Thanks!", "thanks!!", "Thanks :)": cosines a hair below 1
      for (int d = 0; d < DIM; d++) {
        v[d] += 0.002f * (float) random.nextGaussian();
      }
      vectors.add(v);
    }
    for (int i = 0; i < 700; i++) {
      vectors.add(gaussian(random));
    }
    Collections.shuffle(vectors, random);
    try (AtlasIndex index = index(vectors)) {
      // INT8 scores, of which only the best is re-ranked with FP32: the rounding of the codes orders the
      // near-duplicates.
      SearchParams oneCandidate = SearchParams.defaults().withSketchDepth(SearchParams.NO_SKETCH).withRerankDepth(1);
      SelfSearches.Tally t = run(index, oneCandidate, vectors, 1);
      assertEquals(misses(index, oneCandidate, vectors, 1), t.notInTopK(), "seed " + SEED);
      assertEquals(0, t.notProbed(), "every leaf is probed: " + t);
      assertTrue(t.lostInCandidates() > 0, "seed " + SEED + ": " + t);
      assertEquals(t.lostInCandidates(), t.depthsNeeded().size());
      // Each is found in the same leaves by a deeper re-rank, at most every entry of the index.
      assertTrue(t.depthsNeeded().stream().allMatch(d -> d >= 2 && d <= 1_024), t.depthsNeeded().toString());
    }
  }

  private AtlasIndex index(List<float[]> vectors) throws IOException {
    AtlasIndex index = AtlasIndex.create(dir.resolve("atlas"), AtlasConfig.of(DIM));
    for (int i = 0; i < vectors.size(); i++) {
      index.add(i, vectors.get(i));
    }
    return index;
  }

  private static SelfSearches.Tally run(AtlasIndex index, SearchParams params, List<float[]> vectors, int k) {
    long[] ids = new long[vectors.size()];
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < ids.length; i++) {
      ids[i] = i;
      texts.add("text " + i);
    }
    return SelfSearches.run(index, params, ids, vectors.toArray(float[][]::new), texts, k);
  }

  /** Vectors whose own search of k does not return them, counted without the benchmark's code. */
  private static int misses(AtlasIndex index, SearchParams params, List<float[]> vectors, int k) {
    int misses = 0;
    for (int i = 0; i < vectors.size(); i++) {
      boolean found = false;
      for (long id : index.search(vectors.get(i), k, params).ids()) {
        found |= id == i;
      }
      misses += found ? 0 : 1;
    }
    return misses;
  }

  private static float[] gaussian(Random random) {
    float[] v = new float[DIM];
    for (int d = 0; d < DIM; d++) {
      v[d] = (float) random.nextGaussian();
    }
    return v;
  }
}
