package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

/** Vectors at the edges of what the index takes, through its public methods, against exact search. */
class AtlasEdgeVectorsTest {

  static final SearchParams EVERY_LEAF = SearchParams.nprobe(Integer.MAX_VALUE).withSketchDepth(SearchParams.NO_SKETCH);

  @TempDir
  Path dir;

  @Test
  void nonFiniteZeroAndMisshapenVectorsAreRefusedByNameAndNeverStored() throws IOException {
    int dim = 8;
    float[] good = AtlasIndexTest.randomVector(new Random(1), dim);
    float[][] bad = new float[7][];
    String[] why = {"non-finite", "non-finite", "non-finite", "zero length", "zero length", "dimension", "dimension"};
    for (int i = 0; i < 5; i++) {
      bad[i] = good.clone();
    }
    bad[0][3] = Float.NaN;
    bad[1][0] = Float.POSITIVE_INFINITY;
    bad[2][7] = Float.NEGATIVE_INFINITY;
    java.util.Arrays.fill(bad[3], 0f);
    java.util.Arrays.fill(bad[4], -0f);
    bad[5] = new float[dim + 1];
    bad[5][0] = 1;
    bad[6] = new float[] {1};
    try (AtlasIndex index = AtlasIndex.create(dir, AtlasConfig.of(dim))) {
      index.add(1, good);
      for (int i = 0; i < bad.length; i++) {
        float[] v = bad[i];
        String expected = why[i];
        assertMessage(expected, assertThrows(IllegalArgumentException.class, () -> index.add(2, v)));
        assertMessage(expected, assertThrows(IllegalArgumentException.class,
            () -> index.addAll(new long[] {3, 4}, new float[][] {good, v})));
        assertMessage(expected, assertThrows(IllegalArgumentException.class, () -> index.search(v, 1)));
        assertMessage(expected, assertThrows(IllegalArgumentException.class, () -> index.search(v, 1, EVERY_LEAF,
            RoaringBitmap.bitmapOf(1))));
        assertMessage(expected, assertThrows(IllegalArgumentException.class, () -> index.exactSearch(v, 1)));
        assertMessage(expected, assertThrows(IllegalArgumentException.class, () -> index.prepare(v)));
        assertMessage(expected, assertThrows(IllegalArgumentException.class,
            () -> index.searchFrom(v, 1, EVERY_LEAF, null, new int[0], false)));
      }
      assertMessage("dimension", assertThrows(IllegalArgumentException.class,
          () -> index.search(PreparedQuery.of(bad[5]), 1, EVERY_LEAF, null)));
      assertEquals("vector of id 2 is null",
          assertThrows(NullPointerException.class, () -> index.add(2, null)).getMessage());
      assertMessage("positive", assertThrows(IllegalArgumentException.class, () -> index.search(good, 0)));
      assertMessage("positive", assertThrows(IllegalArgumentException.class, () -> index.search(good, -1)));
      assertMessage("positive", assertThrows(IllegalArgumentException.class, () -> index.exactSearch(good, 0)));
      assertEquals(1, index.size());
      for (long id = 2; id <= 4; id++) {
        assertFalse(index.contains(id), "id " + id);
      }
    }
    try (AtlasIndex index = AtlasIndex.open(dir)) {
      assertEquals(1, index.size());
      assertEquals(1, index.search(good, 10, EVERY_LEAF).size());
    }
  }

  /**
   * Components at float's extremes: every one Float.MAX_VALUE (a squared length past float's range), every one
   * Float.MIN_VALUE (a subnormal, whose square is below it), and both in one vector (the small ones vanish from
   * its direction). Each is stored as its direction and found by it, before and after a reopen.
   */
  @Test
  void vectorsOfExtremeMagnitudesAreStoredAsTheirDirections() throws IOException {
    int dim = 40;
    float[] allMax = new float[dim];
    java.util.Arrays.fill(allMax, Float.MAX_VALUE);
    float[] allMin = new float[dim];
    java.util.Arrays.fill(allMin, -Float.MIN_VALUE);
    float[] mixed = new float[dim];
    java.util.Arrays.fill(mixed, Float.MIN_VALUE);
    mixed[7] = -Float.MAX_VALUE;
    float[][] vs = {allMax, allMin, mixed};
    Random r = new Random(9);
    Map<Long, float[]> model = new HashMap<>();
    try (AtlasIndex index = AtlasIndex.create(dir, new AtlasConfig(dim, 2, 2, 4))) {
      for (long id = 0; id < 3; id++) {
        index.add(id, vs[(int) id]);
        model.put(id, Vectors.unitCopy(vs[(int) id], dim, "v"));
      }
      for (long id = 3; id < 60; id++) {
        float[] v = AtlasIndexTest.randomVector(r, dim);
        index.add(id, v);
        model.put(id, Vectors.unitCopy(v, dim, "v"));
      }
      assertEquals(1, Vectors.length(index.vector(0)), 1e-6);
      assertEquals(1, Vectors.length(index.vector(1)), 1e-6);
      assertEquals(-1, index.vector(2)[7], 1e-6);
    }
    try (AtlasIndex index = AtlasIndex.open(dir)) {
      for (long id = 0; id < 3; id++) {
        SearchResult res = index.search(vs[(int) id], 1, EVERY_LEAF);
        assertEquals(id, res.ids()[0]);
        assertEquals(1f, res.scores()[0], 1e-5f);
        AtlasDifferentialTest.check(index, model, vs[(int) id], 10, null, EVERY_LEAF, true, "vector " + id);
      }
    }
  }

  /**
   * Dimension 1 (every vector is +1 or -1: nothing but ties), a dimension past the sketches' routing threshold
   * and the largest dimension the index takes, each with leaves that split.
   */
  @Test
  void dimensionOneAndTheLargestDimensionSearchExactly() throws IOException {
    for (int dim : new int[] {1, Searcher.MIN_SKETCH_ROUTING_DIM + 1, AtlasConfig.MAX_DIM}) {
      Random r = new Random(dim);
      int n = dim == AtlasConfig.MAX_DIM ? 12 : 200;
      Map<Long, float[]> model = new HashMap<>();
      Path d = dir.resolve("dim-" + dim);
      try (AtlasIndex index = AtlasIndex.create(d, new AtlasConfig(dim, 2, 2, 4))) {
        for (long id = 0; id < n; id++) {
          float[] v = AtlasIndexTest.randomVector(r, dim);
          index.add(id, v);
          model.put(id, Vectors.unitCopy(v, dim, "v"));
        }
        for (long id = 0; id < n; id += 3) {
          index.remove(id);
          model.remove(id);
        }
      }
      try (AtlasIndex index = AtlasIndex.open(d)) {
        for (int i = 0; i < 5; i++) {
          float[] q = AtlasIndexTest.randomVector(r, dim);
          String context = "dim " + dim + " query " + i;
          AtlasDifferentialTest.check(index, model, q, 5, null, EVERY_LEAF, true, context);
          AtlasDifferentialTest.check(index, model, q, n, null, EVERY_LEAF.withRerankDepth(n), false, context);
          AtlasDifferentialTest.check(index, model, q, n, null, SearchParams.defaults(), true, context + " defaults");
        }
      }
    }
  }

  /**
   * Leaves of identical vectors, which 2-means cannot split by distance: every copy stays findable, once,
   * through splits, removes, re-adds, compaction and a reopen.
   */
  @Test
  void identicalVectorsFillSplitAndEmptyLeaves() throws IOException {
    int dim = 16;
    Random r = new Random(3);
    float[] same = AtlasIndexTest.randomVector(r, dim);
    float[] other = AtlasIndexTest.randomVector(r, dim);
    Map<Long, float[]> model = new HashMap<>();
    try (AtlasIndex index = AtlasIndex.create(dir, new AtlasConfig(dim, 4, 2, 4))) {
      for (long id = 0; id < 300; id++) {
        float[] v = id % 50 == 0 ? other : same;
        index.add(id, v);
        model.put(id, Vectors.unitCopy(v, dim, "v"));
      }
      assertTrue(index.stats().leaves() > 30, index.stats().toString());
      for (long id = 0; id < 300; id += 2) {
        index.remove(id);
        model.remove(id);
      }
      for (long id = 0; id < 100; id += 2) {
        index.add(id, same);
        model.put(id, Vectors.unitCopy(same, dim, "v"));
      }
      index.compact();
      for (float[] q : new float[][] {same, other, AtlasIndexTest.randomVector(r, dim)}) {
        AtlasDifferentialTest.check(index, model, q, 1000, null, EVERY_LEAF, true, "before a reopen");
        AtlasDifferentialTest.check(index, model, q, 1000, null, SearchParams.defaults(), true, "defaults");
      }
    }
    try (AtlasIndex index = AtlasIndex.open(dir)) {
      for (float[] q : new float[][] {same, other}) {
        AtlasDifferentialTest.check(index, model, q, 1000, null, EVERY_LEAF, true, "after a reopen");
      }
    }
    long[] ids = new long[300];
    float[][] vs = new float[300][];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = i;
      vs[i] = same;
    }
    Map<Long, float[]> bulk = new HashMap<>();
    try (AtlasIndex index = AtlasIndex.create(dir.resolve("bulk"), new AtlasConfig(dim, 4, 2, 4))) {
      index.addAll(ids, vs);
      for (long id : ids) {
        bulk.put(id, Vectors.unitCopy(same, dim, "v"));
      }
      AtlasDifferentialTest.check(index, bulk, same, 1000, null, EVERY_LEAF, true, "bulk");
      AtlasDifferentialTest.check(index, bulk, other, 7, null, SearchParams.defaults(), true, "bulk defaults");
    }
  }

  private static void assertMessage(String part, IllegalArgumentException e) {
    assertTrue(e.getMessage() != null && e.getMessage().contains(part), "message: " + e.getMessage());
  }
}
