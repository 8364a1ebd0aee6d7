package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.index.kernel.Int8Quantizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

class AtlasIndexTest {

  static final int DIM = 24;
  /** Small pages and leaves so that a few hundred vectors already split leaves and inner nodes. */
  static final AtlasConfig SMALL = new AtlasConfig(DIM, 4, 2, 4);

  @TempDir
  Path dir;

  static float[] randomVector(Random r, int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  /** A vector about {@code centre}: four times it, plus half a standard normal's noise in each dimension. */
  static float[] near(float[] centre, Random r) {
    float[] noise = randomVector(r, centre.length);
    float[] v = new float[centre.length];
    for (int d = 0; d < v.length; d++) {
      v[d] = centre[d] * 4 + noise[d] * 0.5f;
    }
    return v;
  }

  /** {@code sessions} runs of {@code perSession} vectors, each run {@link #near} a random centre of its own. */
  static float[][] clusteredSessions(Random r, int sessions, int perSession, int dim) {
    float[][] vs = new float[sessions * perSession][];
    for (int s = 0; s < sessions; s++) {
      float[] centre = randomVector(r, dim);
      for (int i = 0; i < perSession; i++) {
        vs[s * perSession + i] = near(centre, r);
      }
    }
    return vs;
  }

  /** The cosine of two vectors in doubles: what a search's exact (re-ranked) score must match. */
  static double exactCosine(float[] a, float[] b) {
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  static float[][] randomVectors(Random r, int n, int dim) {
    float[][] vs = new float[n][];
    for (int i = 0; i < n; i++) {
      vs[i] = randomVector(r, dim);
    }
    return vs;
  }

  @Test
  void findsEachVectorAsItsOwnNearestNeighbour() throws IOException {
    Random r = new Random(1);
    try (AtlasIndex index = AtlasIndex.create(dir, SMALL)) {
      float[][] vs = new float[300][];
      for (int i = 0; i < vs.length; i++) {
        vs[i] = randomVector(r, DIM);
        index.add(1000 + i, vs[i]);
      }
      assertEquals(300, index.size());
      AtlasStats stats = index.stats();
      assertTrue(stats.leaves() > 10, "leaves split: " + stats);
      assertTrue(stats.depth() >= 2, "inner nodes split: " + stats);
      for (int i = 0; i < vs.length; i++) {
        SearchResult res = index.search(vs[i], 1, SearchParams.nprobe(10_000));
        assertEquals(1000 + i, res.ids()[0]);
        assertEquals(1f, res.scores()[0], 1e-4f);
      }
    }
  }

  /**
   * A vector is a direction whatever its length: one whose squared length is below float's range (a
   * component of 1e-40) made an infinite unit vector, wrong answers and a manifest that could not be read.
   */
  @Test
  void vectorsOfTinyAndHugeLengthAreStoredByTheirDirection() throws IOException {
    float[] tiny = new float[DIM];
    tiny[0] = 1e-40f;
    tiny[1] = -1e-40f;
    float[] huge = new float[DIM];
    huge[2] = 3e38f;
    float[] other = randomVector(new Random(4), DIM);
    try (AtlasIndex index = AtlasIndex.create(dir, SMALL)) {
      index.add(1, tiny);
      index.add(2, huge);
      index.add(3, other);
      SearchResult res = index.search(tiny, 1, SearchParams.nprobe(10_000));
      assertEquals(1, res.ids()[0]);
      assertEquals(1f, res.scores()[0], 1e-4f);
      index.flush();
    }
    try (AtlasIndex index = AtlasIndex.open(dir)) {
      float[] direction = new float[DIM];
      direction[0] = 1;
      direction[1] = -1;
      SearchResult res = index.search(direction, 3, SearchParams.nprobe(10_000));
      assertEquals(1, res.ids()[0]);
      assertEquals(1f, res.scores()[0], 1e-4f);
      assertEquals(2, index.search(huge, 1, SearchParams.nprobe(10_000)).ids()[0]);
    }
  }

  /** A k beyond the index's size, even Integer.MAX_VALUE, returns everything (it overflowed before). */
  @Test
  void aHugeKReturnsEveryVector() throws IOException {
    Random r = new Random(5);
    try (AtlasIndex index = AtlasIndex.create(dir, SMALL)) {
      for (int i = 0; i < 200; i++) {
        index.add(i, randomVector(r, DIM));
      }
      float[] q = randomVector(r, DIM);
      assertEquals(200, index.search(q, Integer.MAX_VALUE).size());
      assertEquals(200, index.search(q, Integer.MAX_VALUE, SearchParams.nprobe(Integer.MAX_VALUE)
          .withSketchDepth(Integer.MAX_VALUE).withRerankDepth(Integer.MAX_VALUE)).size());
      assertEquals(200, index.exactSearch(q, Integer.MAX_VALUE).size());
    }
  }

  /** An nprobe of Integer.MAX_VALUE scans every leaf, with routing by sketches too (it overflowed there). */
  @Test
  void aHugeNprobeScansEveryLeaf() throws IOException {
    int dim = Searcher.MIN_SKETCH_ROUTING_DIM;
    Random r = new Random(6);
    try (AtlasIndex index = AtlasIndex.create(dir, new AtlasConfig(dim, 4, 2, 4))) {
      for (int i = 0; i < 300; i++) {
        index.add(i, randomVector(r, dim));
      }
      float[] q = randomVector(r, dim);
      SearchParams all = SearchParams.nprobe(Integer.MAX_VALUE).withSketchDepth(100_000);
      assertEquals(index.exactSearch(q, 10).ids()[0], index.search(q, 10, all).ids()[0]);
    }
  }

  @Test
  void rejectsBadInputAndAppliesNothing() throws IOException {
    try (AtlasIndex index = AtlasIndex.create(dir, SMALL)) {
      float[] ok = randomVector(new Random(2), DIM);
      index.add(1, ok);
      assertThrows(IllegalArgumentException.class, () -> index.add(2, new float[DIM + 1]));
      float[] nan = ok.clone();
      nan[3] = Float.NaN;
      assertThrows(IllegalArgumentException.class, () -> index.add(2, nan));
      float[] inf = ok.clone();
      inf[0] = Float.POSITIVE_INFINITY;
      assertThrows(IllegalArgumentException.class, () -> index.add(2, inf));
      assertThrows(IllegalArgumentException.class, () -> index.add(2, new float[DIM]));
      assertThrows(IllegalArgumentException.class, () -> index.add(1, ok));
      assertThrows(IllegalArgumentException.class, () -> index.add(-1, ok));
      assertThrows(IllegalArgumentException.class, () -> index.add(1L << 32, ok));
      assertThrows(IllegalArgumentException.class, () -> index.remove(99));
      assertThrows(IllegalArgumentException.class, () -> index.search(new float[3], 1));
      assertThrows(IllegalArgumentException.class, () -> index.search(ok, 0));
      // The exact search says what is wrong with k (not "capacity must be positive"), and a calibration
      // takes only a recall it could reach.
      assertEquals("k must be positive: 0",
          assertThrows(IllegalArgumentException.class, () -> index.exactSearch(ok, 0)).getMessage());
      for (double recall : new double[] {Double.NaN, 0, -0.5, 1.5}) {
        assertThrows(IllegalArgumentException.class, () -> index.calibrate(recall), "recall " + recall);
      }
      assertThrows(IllegalArgumentException.class, () -> index.prepare(new float[DIM + 1]));
      assertThrows(IllegalArgumentException.class, () -> index.prepare(nan));
      assertThrows(IllegalArgumentException.class, () -> PreparedQuery.of(new float[DIM]));
      assertThrows(NullPointerException.class, () -> PreparedQuery.of(null));
      assertThrows(IllegalArgumentException.class,
          () -> index.search(PreparedQuery.of(new float[] {1, 2, 3}), 1, SearchParams.defaults(), null));
      // A batch with one bad vector, or a duplicate, or an existing id, writes nothing.
      float[][] batch = {randomVector(new Random(3), DIM), nan};
      assertThrows(IllegalArgumentException.class, () -> index.addAll(new long[] {5, 6}, batch));
      assertThrows(IllegalArgumentException.class, () -> index.addAll(new long[] {5, 5}, new float[][] {ok, ok}));
      assertThrows(IllegalArgumentException.class, () -> index.addAll(new long[] {5, 1}, new float[][] {ok, ok}));
      assertEquals(1, index.size());
      assertFalse(index.contains(5));
      assertTrue(index.contains(1));
    }
  }

  /** A vector read back by id is the one added, at unit length, after a reopen too; a removed one is gone. */
  @Test
  void aVectorIsReadBackByItsId() throws IOException {
    Random r = new Random(4);
    float[][] added = new float[300][];
    try (AtlasIndex index = AtlasIndex.create(dir, SMALL)) {
      for (int i = 0; i < added.length; i++) {
        added[i] = randomVector(r, DIM);
        index.add(i + 1, added[i]);
      }
      index.remove(7);
      index.flush();
    }
    try (AtlasIndex index = AtlasIndex.open(dir)) {
      for (int i = 0; i < added.length; i++) {
        float[] v = index.vector(i + 1);
        if (i + 1 == 7) {
          assertNull(v);
          continue;
        }
        double norm = 0;
        for (float x : added[i]) {
          norm += (double) x * x;
        }
        for (int d = 0; d < DIM; d++) {
          assertEquals(added[i][d] / Math.sqrt(norm), v[d], 1e-6, "id " + (i + 1) + " component " + d);
        }
      }
      assertNull(index.vector(0));
      assertNull(index.vector(1000));
      assertNull(index.vector(-1));
    }
  }

  /** A closed index says so; calibrate used to search the unmapped pages and fail with an index error. */
  @Test
  void everyOperationOfAClosedIndexReportsItClosed() throws IOException {
    Random r = new Random(9);
    AtlasIndex index = AtlasIndex.create(dir, SMALL);
    for (int i = 0; i < 300; i++) {
      index.add(i, randomVector(r, DIM));
    }
    index.close();
    float[] q = randomVector(r, DIM);
    assertThrows(IllegalStateException.class, () -> index.search(q, 5));
    assertThrows(IllegalStateException.class, () -> index.search(q, 5, SearchParams.targetRecall(0.9)));
    assertThrows(IllegalStateException.class, () -> index.exactSearch(q, 5));
    assertThrows(IllegalStateException.class, () -> index.calibrate(0.9));
    assertThrows(IllegalStateException.class, () -> index.sketchesUsed());
    assertThrows(IllegalStateException.class, () -> index.add(1000, q));
    assertThrows(IllegalStateException.class, () -> index.remove(1));
    assertThrows(IllegalStateException.class, index::compact);
    assertThrows(IllegalStateException.class, index::flush);
  }

  @Test
  void aPreparedQuerySearchesLikeTheVectorItWasPreparedFrom() throws IOException {
    Random r = new Random(12);
    try (AtlasIndex index = AtlasIndex.create(dir, SMALL)) {
      for (int i = 0; i < 400; i++) {
        index.add(i, randomVector(r, DIM));
      }
      RoaringBitmap few = RoaringBitmap.bitmapOf(3, 30, 300);
      RoaringBitmap odd = new RoaringBitmap();
      for (int i = 1; i < 400; i += 2) {
        odd.add(i);
      }
      for (int i = 0; i < 20; i++) {
        float[] v = randomVector(r, DIM);
        for (int j = 0; j < DIM; j++) {
          v[j] *= 7.5f; // not unit length: preparing normalises it, as a search of the vector does
        }
        PreparedQuery prepared = index.prepare(v);
        for (RoaringBitmap filter : new RoaringBitmap[] {null, few, odd}) {
          SearchResult direct = index.search(v, 10, SearchParams.defaults(), filter);
          SearchResult viaPrepared = index.search(prepared, 10, SearchParams.defaults(), filter);
          assertArrayEquals(direct.ids(), viaPrepared.ids(), "query " + i + ", filter " + filter);
          assertArrayEquals(direct.scores(), viaPrepared.scores(), 0f, "query " + i);
        }
        double norm = 0;
        for (float x : prepared.unitVector()) {
          norm += (double) x * x;
        }
        assertEquals(1.0, norm, 1e-5);
        byte[] expected = new byte[DIM];
        assertEquals(Int8Quantizer.quantizeScalar(prepared.unitVector(), expected), prepared.scale());
        assertArrayEquals(expected, prepared.codes().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        assertTrue(prepared.codes().isReadOnly(), "the codes are shared with every search of the query");
      }
    }
  }

  @Test
  void unsignedIdsUpToTwoToTheThirtyTwoRoundTrip() throws IOException {
    long big = 0xFFFF_FFF0L;
    float[] v = randomVector(new Random(4), DIM);
    try (AtlasIndex index = AtlasIndex.create(dir, SMALL)) {
      index.add(big, v);
      assertEquals(big, index.search(v, 1).ids()[0]);
      RoaringBitmap allow = RoaringBitmap.bitmapOf((int) big);
      assertEquals(big, index.search(v, 1, SearchParams.defaults(), allow).ids()[0]);
    }
    try (AtlasIndex index = AtlasIndex.open(dir)) {
      assertEquals(big, index.search(v, 1).ids()[0]);
    }
  }

  @Test
  void filtersApplyWhileScoringAndSelectiveFiltersScanExactly() throws IOException {
    Random r = new Random(5);
    try (AtlasIndex index = AtlasIndex.create(dir, SMALL)) {
      float[][] vs = new float[400][];
      for (int i = 0; i < vs.length; i++) {
        vs[i] = randomVector(r, DIM);
        index.add(i, vs[i]);
      }
      RoaringBitmap even = new RoaringBitmap();
      for (int i = 0; i < 400; i += 2) {
        even.add(i);
      }
      SearchResult res = index.search(vs[1], 10, SearchParams.nprobe(30), even);
      assertFalse(res.exactScan());
      assertTrue(res.size() > 0);
      for (long id : res.ids()) {
        assertEquals(0, id % 2, "filtered out id returned: " + id);
      }
      RoaringBitmap three = RoaringBitmap.bitmapOf(7, 77, 377);
      SearchResult exact = index.search(vs[77], 10, SearchParams.defaults(), three);
      assertTrue(exact.exactScan());
      assertEquals(3, exact.size());
      assertEquals(77, exact.ids()[0]);
    }
  }

  /**
   * An nprobe of Integer.MAX_VALUE scores every leaf, at most every entry: a filter much larger than the
   * index is searched by that descent. It used to be taken for a selective filter and scanned id by id, so
   * a filter of every id ([0, 2^32)) kept a search busy for a minute.
   */
  @Test
  void aFilterLargerThanTheIndexIsNotScannedIdByIdWhateverTheNprobe() throws IOException {
    Random r = new Random(8);
    try (AtlasIndex index = AtlasIndex.create(dir, SMALL)) {
      for (int i = 0; i < 300; i++) {
        index.add(i, randomVector(r, DIM));
      }
      float[] q = randomVector(r, DIM);
      RoaringBitmap wide = new RoaringBitmap();
      wide.add(0L, 10_000_000L);
      SearchParams everyLeaf = SearchParams.nprobe(Integer.MAX_VALUE).withSketchDepth(SearchParams.NO_SKETCH);
      SearchResult res = index.search(q, 10, everyLeaf, wide);
      assertFalse(res.exactScan());
      assertArrayEquals(index.exactSearch(q, 10).ids(), res.ids());
    }
  }

  @Test
  void greedyModeScoresOneLeafWithoutReranking() throws IOException {
    Random r = new Random(6);
    try (AtlasIndex index = AtlasIndex.create(dir, SMALL)) {
      for (int i = 0; i < 200; i++) {
        index.add(i, randomVector(r, DIM));
      }
      float[] q = randomVector(r, DIM);
      SearchResult greedy = index.search(q, 5, SearchParams.greedy());
      assertEquals(1, greedy.leafIds().length);
      assertTrue(greedy.size() <= 5 && greedy.size() > 0);
      SearchResult wide = index.search(q, 5, SearchParams.nprobe(8));
      assertTrue(wide.leafIds().length > 1);
    }
  }

  @Test
  void leafVersionsChangeWhenLeavesChangeAndSearchFromUsesCachedLeaves() throws IOException {
    Random r = new Random(7);
    try (AtlasIndex index = AtlasIndex.create(dir, SMALL)) {
      float[][] vs = new float[100][];
      for (int i = 0; i < vs.length; i++) {
        vs[i] = randomVector(r, DIM);
        index.add(i, vs[i]);
      }
      SearchResult first = index.search(vs[10], 3, SearchParams.nprobe(2));
      assertEquals(10, first.ids()[0]);
      // Only the cached leaves, no descent: the same answer from the same leaves.
      SearchResult cached = index.searchFrom(vs[10], 3, SearchParams.nprobe(2), null, first.leafIds(), false);
      assertArrayEquals(first.ids(), cached.ids());
      assertArrayEquals(first.leafVersions(), cached.leafVersions());
      index.remove(10);
      SearchResult after = index.searchFrom(vs[10], 3, SearchParams.nprobe(2), null, first.leafIds(), false);
      assertFalse(java.util.Arrays.stream(after.ids()).anyMatch(id -> id == 10));
      boolean changed = after.missingLeaves().length > 0
          || !java.util.Arrays.equals(first.leafVersions(), after.leafVersions());
      assertTrue(changed, "removing a vector must change its leaf's version or retire the leaf");
      SearchResult bogus = index.searchFrom(vs[11], 3, SearchParams.defaults(), null, new int[] {123_456}, true);
      assertArrayEquals(new int[] {123_456}, bogus.missingLeaves());
      assertEquals(11, bogus.ids()[0]);
    }
  }

  @Test
  void bulkBuildClustersABatchAndKeepsAcceptingInserts() throws IOException {
    Random r = new Random(8);
    int n = 2000;
    long[] ids = new long[n];
    float[][] vs = new float[n][];
    for (int i = 0; i < n; i++) {
      ids[i] = i * 3L;
      vs[i] = randomVector(r, DIM);
    }
    try (AtlasIndex index = AtlasIndex.create(dir, new AtlasConfig(DIM, 8, 4, 8))) {
      index.addAll(ids, vs);
      assertEquals(n, index.size());
      assertTrue(index.stats().leaves() >= n / 32, index.stats().toString());
      for (int i = 0; i < 50; i++) {
        index.add(1_000_000 + i, randomVector(r, DIM));
      }
      for (int i = 0; i < n; i += 97) {
        assertEquals(ids[i], index.search(vs[i], 1, SearchParams.nprobe(10_000)).ids()[0]);
      }
    }
  }

  /**
   * With the sketch pass on, a level of leaves wider than 2 x nprobe is first estimated from its
   * centroids' sketches, and only the best estimates are scored with codes. Here 250-odd leaves under a
   * few nodes and nprobe 8; every entry of the chosen leaves is re-ranked, so recall depends on the
   * leaves chosen only. At 128 dims the sketches choose about as well as the codes; below
   * {@value Searcher#MIN_SKETCH_ROUTING_DIM} dims they are not used (the descents agree leaf for leaf).
   * Clustered data offset from zero, as real embeddings are.
   */
  @Test
  void aDescentBySketchesChoosesLeavesAsWellAsTheCodes() throws IOException {
    for (int dim : new int[] {24, 128}) {
      Random r = new Random(12);
      float[] offset = randomVector(r, dim);
      float[][] centers = new float[200][];
      for (int c = 0; c < centers.length; c++) {
        centers[c] = randomVector(r, dim);
        for (int d = 0; d < dim; d++) {
          centers[c][d] += 2 * offset[d];
        }
      }
      int n = 6_000;
      long[] ids = new long[n];
      float[][] vs = new float[n][];
      for (int i = 0; i < n; i++) {
        ids[i] = i;
        vs[i] = randomVector(r, dim);
        for (int d = 0; d < dim; d++) {
          vs[i][d] = centers[i % centers.length][d] + 0.3f * vs[i][d];
        }
      }
      SearchParams sketched = SearchParams.nprobe(8).withSketchDepth(100_000);
      SearchParams codes = SearchParams.nprobe(8).withSketchDepth(SearchParams.NO_SKETCH).withRerankDepth(100_000);
      try (AtlasIndex index = AtlasIndex.create(dir.resolve("dim" + dim), new AtlasConfig(dim, 8, 4, 64))) {
        index.addAll(ids, vs);
        assertTrue(index.stats().leaves() > 200, "leaves: " + index.stats().leaves());
        int bySketches = 0, byCodes = 0;
        for (int q = 0; q < 200; q++) {
          float[] query = randomVector(r, dim);
          float[] near = vs[r.nextInt(n)];
          for (int d = 0; d < dim; d++) {
            query[d] = near[d] + 0.2f * query[d];
          }
          java.util.Set<Long> truth = new java.util.HashSet<>();
          for (long id : index.exactSearch(query, 10).ids()) {
            truth.add(id);
          }
          SearchResult s = index.search(query, 10, sketched), c = index.search(query, 10, codes);
          if (dim < Searcher.MIN_SKETCH_ROUTING_DIM) {
            assertArrayEquals(c.leafIds(), s.leafIds(), "dim " + dim + ", query " + q);
          }
          bySketches += (int) java.util.Arrays.stream(s.ids()).filter(truth::contains).count();
          byCodes += (int) java.util.Arrays.stream(c.ids()).filter(truth::contains).count();
        }
        assertTrue(byCodes >= 0.95 * 2_000, "dim " + dim + ": recall by codes " + byCodes / 2_000.0);
        assertTrue(bySketches >= byCodes - 20, "dim " + dim + ": recall by sketches " + bySketches / 2_000.0
            + ", by codes " + byCodes / 2_000.0);
      }
    }
  }

  /**
   * A sketch pass that keeps every entry hands the INT8 stage what scoring every entry would, whatever was
   * deleted or filtered; the sketch center a bulk build chose (the batch's mean, here far from zero) is
   * the one used after a reopen.
   */
  @Test
  void aSketchPassKeepingEveryEntryAgreesWithScoringEveryEntry() throws IOException {
    Random r = new Random(10);
    float[] offset = randomVector(r, DIM);
    int n = 1500;
    long[] ids = new long[n];
    float[][] vs = new float[n][];
    for (int i = 0; i < n; i++) {
      ids[i] = i;
      vs[i] = randomVector(r, DIM);
      for (int d = 0; d < DIM; d++) {
        vs[i][d] += 2 * offset[d];
      }
    }
    float[][] queries = new float[30][];
    for (int i = 0; i < queries.length; i++) {
      queries[i] = vs[r.nextInt(n)].clone();
      queries[i][0] += 0.3f;
    }
    RoaringBitmap even = new RoaringBitmap();
    for (int i = 0; i < 2_000; i += 2) {
      even.add(i);
    }
    SearchParams everything = SearchParams.nprobe(100_000).withSketchDepth(100_000);
    SearchParams noSketch = SearchParams.nprobe(100_000).withSketchDepth(SearchParams.NO_SKETCH);
    long[][] before = new long[queries.length][];
    try (AtlasIndex index = AtlasIndex.create(dir, new AtlasConfig(DIM, 8, 4, 8))) {
      index.addAll(ids, vs);
      for (int i = 0; i < 100; i++) {
        index.add(n + i, randomVector(r, DIM));
        index.remove(i * 7L);
      }
      index.flush();
      for (int i = 0; i < queries.length; i++) {
        SearchResult all = index.search(queries[i], 10, everything);
        before[i] = all.ids();
        assertArrayEquals(index.search(queries[i], 10, noSketch).ids(), before[i], "query " + i);
        // A re-rank as deep as the sketch pass takes its candidates without INT8 scores: here, all of them.
        assertArrayEquals(index.exactSearch(queries[i], 10).ids(),
            index.search(queries[i], 10, everything.withRerankDepth(100_000)).ids(), "query " + i + ", no INT8");
        // Scoring the same leaves without a descent: a filter never switches to the exact scan there.
        int[] leaves = all.leafIds();
        assertArrayEquals(index.searchFrom(queries[i], 10, noSketch, even, leaves, false).ids(),
            index.searchFrom(queries[i], 10, everything, even, leaves, false).ids(), "filtered query " + i);
      }
    }
    try (AtlasIndex index = AtlasIndex.open(dir)) {
      for (int i = 0; i < queries.length; i++) {
        assertArrayEquals(before[i], index.search(queries[i], 10, everything).ids(), "after reopen, query " + i);
      }
    }
  }

  /**
   * A small index resolves the automatic sketch depth to off; fixing the depths of a search for 10 keeps
   * them for a search that asks for more (the engine's lookaside buffer does that on a miss).
   */
  @Test
  void resolvedParametersFixTheDepthsOfASearchForK() throws IOException {
    try (AtlasIndex index = AtlasIndex.create(dir, SMALL)) {
      index.add(1, randomVector(new Random(1), DIM));
      SearchParams resolved = index.resolve(SearchParams.defaults());
      assertEquals(SearchParams.NO_SKETCH, resolved.sketchDepth());
      assertFalse(index.sketchesUsed());
      SearchParams fixed = resolved.withDepthsFor(10);
      assertEquals(resolved.effectiveRerankDepth(10), fixed.effectiveRerankDepth(32));
      assertEquals(SearchParams.NO_SKETCH, fixed.sketchDepth());
    }
    // Where the check passes the automatic depth stays on: a search for 32 then keeps that of 10.
    SearchParams fixed = SearchParams.defaults().withDepthsFor(10);
    assertEquals(SearchParams.defaults().effectiveSketchDepth(10), fixed.effectiveSketchDepth(32));
    assertEquals(SearchParams.defaults().effectiveRerankDepth(10), fixed.effectiveRerankDepth(32));
  }

  @Test
  void targetRecallPicksMoreLeavesForHigherTargets() throws IOException {
    Random r = new Random(9);
    try (AtlasIndex index = AtlasIndex.create(dir, SMALL)) {
      for (int i = 0; i < 600; i++) {
        index.add(i, randomVector(r, DIM));
      }
      int low = index.calibrate(0.3).nprobe();
      int high = index.calibrate(0.99).nprobe();
      assertTrue(low <= high, low + " > " + high);
      assertTrue(high > 1);
      float[] q = randomVector(r, DIM);
      long[] truth = index.exactSearch(q, 10).ids();
      SearchResult res = index.search(q, 10, SearchParams.targetRecall(0.99));
      assertEquals(10, res.size());
      assertNotEquals(0, truth.length);
    }
  }
  /** nprobe leaves hold fewer vectors than a large k asks for: the search scores more until it has k. */
  @Test
  void aLargeKGetsKResultsWhenThereAreK() throws IOException {
    Random r = new Random(11);
    try (AtlasIndex index = AtlasIndex.create(dir, SMALL)) {
      for (int i = 0; i < 3000; i++) {
        index.add(i, randomVector(r, DIM));
      }
      assertTrue(index.stats().leaves() > SearchParams.DEFAULT_NPROBE, index.stats().toString());
      float[] q = randomVector(r, DIM);
      assertDistinctOf(1000, index.search(q, 1000, SearchParams.defaults()), null);
      assertDistinctOf(1000, index.search(q, 1000, SearchParams.targetRecall(1.0)), null);
      assertDistinctOf(3000, index.search(q, 5000, SearchParams.defaults()), null);
      RoaringBitmap even = new RoaringBitmap();
      for (int i = 0; i < 3000; i += 2) {
        even.add(i);
      }
      assertDistinctOf(1000, index.search(q, 1000, SearchParams.defaults(), even), even);
      assertDistinctOf(1500, index.search(q, 2000, SearchParams.defaults(), even), even);
      RoaringBitmap mostlyAbsent = even.clone();
      mostlyAbsent.add(100_000L, 200_000L); // ids the index does not hold (events without a vector)
      assertDistinctOf(1500, index.search(q, 2000, SearchParams.defaults(), mostlyAbsent), even);
    }
  }

  /** Stats count as tombstones the deleted entries still in pages, not the deletes whose leaves were compacted. */
  @Test
  void statsCountOnlyTheDeletedEntriesStillInPages() throws IOException {
    Random r = new Random(17);
    try (AtlasIndex index = AtlasIndex.create(dir, SMALL)) {
      for (int i = 0; i < 200; i++) {
        index.add(i, randomVector(r, DIM));
      }
      for (int i = 0; i < 200; i += 2) {
        index.remove(i);
      }
      AtlasStats before = index.stats();
      assertTrue(before.tombstones() > 0 && before.tombstones() < 100, before.toString()); // some leaves compacted
      index.compact();
      assertEquals(0, index.stats().tombstones());
    }
  }

  private static void assertDistinctOf(int expected, SearchResult result, RoaringBitmap allowed) {
    assertEquals(expected, result.size());
    RoaringBitmap seen = new RoaringBitmap();
    for (int i = 0; i < result.size(); i++) {
      assertTrue(seen.checkedAdd((int) result.ids()[i]), "id " + result.ids()[i] + " twice");
      assertTrue(allowed == null || allowed.contains((int) result.ids()[i]), "id " + result.ids()[i]);
    }
  }
}
