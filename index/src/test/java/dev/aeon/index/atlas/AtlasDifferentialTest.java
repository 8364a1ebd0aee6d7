package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.index.kernel.Int8Quantizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

/**
 * Every search that scores every leaf against exact search in the test's own model of the index (a map from
 * id to the unit vector the index stores), through random adds, removes, re-adds of removed ids, bulk builds,
 * flushes, compactions, closes and reopens, and reopens of the last flush after a crash.
 *
 * <p>The tolerance is the quantization's own error, measured, not a margin picked to pass: with {@code eps} the
 * largest |INT8 score - exact score| of the query over the live vectors, an entry the INT8 pass left out of the
 * re-ranked candidates was beaten there by at least {@code k} entries whose exact scores are at most {@code 2 *
 * eps} below its own. So the i-th result scores at least the i-th exact score minus {@code 2 * eps}; a search that
 * re-ranks every entry ({@code eps = 0}) returns the exact answer, up to float sums.
 */
class AtlasDifferentialTest {

  /** FP32 sums against the model's double sums, of unit vectors. */
  static final double FLOAT_SUMS = 1e-5;

  @TempDir
  Path dir;

  @Test
  void everyLeafSearchesMatchExactSearchThroughAddsRemovesReaddsAndReopens() throws IOException {
    int[] dims = {3, 16, 64, 24, 1, 65};
    long first = Long.getLong("atlas.seed", 1);
    for (long seed = first; seed < first + Integer.getInteger("atlas.seeds", dims.length); seed++) {
      run(seed, dims[(int) (seed % dims.length)], seed % 2 == 0);
    }
  }

  private void run(long seed, int dim, boolean bulk) throws IOException {
    Random r = new Random(seed);
    Path d = dir.resolve("seed-" + seed);
    AtlasConfig config = new AtlasConfig(dim, 4, 2, 4);
    Map<Long, float[]> model = new HashMap<>();
    Map<Long, float[]> flushed = new HashMap<>();
    Set<Long> removed = new HashSet<>();
    StagedFlush staged = null;
    Map<Long, float[]> stagedModel = null;
    AtlasIndex index = AtlasIndex.create(d, config);
    try {
      if (bulk) {
        int n = 300;
        long[] ids = new long[n];
        float[][] vs = new float[n][];
        for (int i = 0; i < n; i++) {
          ids[i] = 10_000L + i * 7L;
          vs[i] = clustered(r, dim, i % 5);
          model.put(ids[i], Vectors.unitCopy(vs[i], dim, "v"));
        }
        index.addAll(ids, vs);
      }
      String context = "seed " + seed + " dim " + dim;
      for (int op = 0; op < 1500; op++) {
        int what = r.nextInt(100);
        if (what < 45 || model.size() < 20) {
          long id = r.nextInt(4) == 0 && !removed.isEmpty() ? pick(r, removed) : r.nextLong(1L << 32);
          if (model.containsKey(id)) {
            continue;
          }
          float[] v = r.nextBoolean() ? clustered(r, dim, r.nextInt(5)) : AtlasIndexTest.randomVector(r, dim);
          index.add(id, v);
          model.put(id, Vectors.unitCopy(v, dim, "v"));
          removed.remove(id);
        } else if (what < 75) {
          long id = pick(r, model.keySet());
          index.remove(id);
          model.remove(id);
          removed.add(id);
        } else if (what < 78) {
          index.compact();
        } else if (what < 79) {
          // A batch: bulk-built when the index is empty and holds no tombstones (a reopen after compaction).
          int n = 16 + r.nextInt(30);
          Set<Long> batch = new HashSet<>();
          long[] ids = new long[n];
          float[][] vs = new float[n][];
          for (int i = 0; i < n; i++) {
            do {
              ids[i] = r.nextLong(1L << 32);
            } while (model.containsKey(ids[i]) || !batch.add(ids[i]));
            vs[i] = clustered(r, dim, r.nextInt(5));
          }
          index.addAll(ids, vs);
          for (int i = 0; i < n; i++) {
            model.put(ids[i], Vectors.unitCopy(vs[i], dim, "v"));
            removed.remove(ids[i]);
          }
        } else if (what < 80) {
          for (long id : model.keySet()) {
            index.remove(id);
            removed.add(id);
          }
          model.clear();
        } else if (what < 83) {
          index.flush();
          flushed = new HashMap<>(model);
          if (staged != null) {
            staged.commit(); // older than the flush: writes nothing
            staged = null;
          }
        } else if (what < 85) {
          index.close(); // commits a staged flush first, then flushes
          staged = null;
          flushed = new HashMap<>(model);
          index = AtlasIndex.open(d);
        } else if (what < 86) {
          if (staged != null) {
            staged.commit();
            flushed = stagedModel;
            staged = null;
          }
          index.closeWithoutFlush();
          index = AtlasIndex.open(d);
          for (long id : model.keySet()) {
            removed.add(id);
          }
          model = new HashMap<>(flushed);
          removed.removeAll(model.keySet());
        } else if (what < 88) {
          // A flush in two halves, with the writes between them left out of what it makes durable.
          if (staged == null) {
            staged = index.stageFlush();
            stagedModel = new HashMap<>(model);
          } else {
            staged.commit();
            flushed = stagedModel;
            staged = null;
          }
        } else {
          check(index, model, removed, r, dim, context + " op " + op);
        }
      }
      check(index, model, removed, r, dim, context + " at the end");
    } finally {
      index.close();
    }
  }

  /** Searches with a random query, k and filter in the ways that score every leaf, against the model. */
  private static void check(AtlasIndex index, Map<Long, float[]> model, Set<Long> removed, Random r, int dim,
      String context) {
    assertEquals(model.size(), index.size(), context);
    float[] q = r.nextBoolean() || model.isEmpty() ? AtlasIndexTest.randomVector(r, dim)
        : model.get(pick(r, model.keySet())); // a stored vector: its own best match, and ties if it has copies
    int k = switch (r.nextInt(4)) {
      case 0 -> 1;
      case 1 -> 1 + r.nextInt(20);
      case 2 -> model.size() + 5;
      default -> Integer.MAX_VALUE;
    };
    RoaringBitmap filter = null;
    if (r.nextBoolean()) {
      filter = new RoaringBitmap();
      for (long id : model.keySet()) {
        if (r.nextInt(3) == 0) {
          filter.add((int) id);
        }
      }
      if (!removed.isEmpty()) {
        filter.add((int) (long) pick(r, removed));
      }
    }
    SearchParams everyLeaf = SearchParams.nprobe(Integer.MAX_VALUE);
    check(index, model, q, k, filter, everyLeaf.withSketchDepth(SearchParams.NO_SKETCH), true, context);
    check(index, model, q, k, filter, everyLeaf.withSketchDepth(Integer.MAX_VALUE), true, context + " sketches");
    check(index, model, q, k, filter, everyLeaf.withSketchDepth(SearchParams.NO_SKETCH)
        .withRerankDepth(Integer.MAX_VALUE), false, context + " re-ranking all");
    check(index, model, q, k, filter, new SearchParams(Integer.MAX_VALUE, 0, 0, SearchParams.NO_SKETCH, false, 0), true,
        context + " INT8 scores");
    check(index, model, q, k, filter, SearchParams.nprobe(index.stats().leaves()).withSketchDepth(
        SearchParams.NO_SKETCH),
        true, context + " nprobe of every leaf");
    for (int i = 0; i < 3 && !model.isEmpty(); i++) {
      long id = pick(r, model.keySet());
      assertArrayEquals(model.get(id), index.vector(id), context + ": the vector of id " + id);
    }
    if (!removed.isEmpty()) {
      long id = pick(r, removed);
      assertFalse(index.contains(id), context + ": removed id " + id);
      assertNull(index.vector(id), context + ": removed id " + id);
    }
    if (filter == null) {
      check(index, model, q, Math.min(k, model.size() + 1), null, null, false, context + " exactSearch");
    }
  }

  /** One search against the model; {@code int8} allows the quantization's error. Null params: exactSearch. */
  static void check(AtlasIndex index, Map<Long, float[]> model, float[] query, int k, RoaringBitmap filter,
      SearchParams params, boolean int8, String context) {
    float[] q = Vectors.unitCopy(query, index.dimension(), "query");
    SearchResult res = params == null ? index.exactSearch(query, k) : index.search(query, k, params, filter);
    context += " k " + k + (filter == null ? "" : " filter of " + filter.getCardinality());
    List<Map.Entry<Long, Double>> exact = new ArrayList<>();
    double eps = 0;
    byte[] qc = new byte[q.length];
    float qs = Int8Quantizer.quantize(q, qc);
    for (Map.Entry<Long, float[]> e : model.entrySet()) {
      if (filter == null || filter.contains((int) (long) e.getKey())) {
        double s = dot(q, e.getValue());
        exact.add(Map.entry(e.getKey(), s));
        if (int8) {
          byte[] vc = new byte[q.length];
          float vs = Int8Quantizer.quantize(e.getValue(), vc);
          long codes = 0;
          for (int i = 0; i < q.length; i++) {
            codes += qc[i] * vc[i];
          }
          eps = Math.max(eps, Math.abs(codes * (double) qs * vs - s));
        }
      }
    }
    exact.sort(Map.Entry.<Long, Double>comparingByValue(Comparator.reverseOrder()));
    int expected = Math.min(k, exact.size());
    assertEquals(expected, res.size(), context + ": results");
    double slack = 2 * eps + FLOAT_SUMS;
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < res.size(); i++) {
      long id = res.ids()[i];
      assertTrue(seen.add(id), context + ": id " + id + " twice");
      float[] v = model.get(id);
      assertTrue(v != null, context + ": id " + id + " is not in the index");
      assertTrue(filter == null || filter.contains((int) id), context + ": id " + id + " is not in the filter");
      double s = dot(q, v);
      // Without the re-rank a score is the INT8 one, off by at most eps.
      double scoreOff = params == null || params.rerank() ? 0 : eps;
      assertEquals(s, res.scores()[i], scoreOff + FLOAT_SUMS, context + ": the score of id " + id);
      assertTrue(i == 0 || res.scores()[i] <= res.scores()[i - 1], context + ": scores out of order at " + i);
      double truth = exact.get(i).getValue();
      assertTrue(s >= truth - slack, context + ": result " + i + " (id " + id + ") scores " + s + ", the exact "
          + i + "th " + truth + " (id " + exact.get(i).getKey() + "), beyond the quantization's 2 x " + eps);
    }
  }

  /** A vector near one of five fixed directions (so that leaves hold near ties and splits have work). */
  static float[] clustered(Random r, int dim, int cluster) {
    Random c = new Random(cluster * 7919L);
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) (c.nextGaussian() + 0.05 * r.nextGaussian());
    }
    return v;
  }

  static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  private static long pick(Random r, Set<Long> ids) {
    return ids.stream().sorted().skip(r.nextInt(ids.size())).findFirst().orElseThrow(); // sorted: seeded runs repeat
  }
}
