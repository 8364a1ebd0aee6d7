package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random inserts, deletes, re-inserts, compactions, flushes and reopens against a map-based model.
 * Exhaustive parameters (every leaf, deep re-rank) must return exactly the model's brute-force answer,
 * and a reopened index must answer every query exactly as before the close. Rerun a failure with
 * {@code -Datlas.seed=SEED}.
 */
class AtlasModelTest {

  /** Exhaustive searches with INT8 scoring of every entry, and through a sketch pass that keeps them all. */
  private static final int[] EXHAUSTIVE_SKETCH_DEPTHS = {SearchParams.NO_SKETCH, 100_000};

  @TempDir
  Path dir;

  @Test
  void matchesTheModelThroughSplitsDeletesAndReopens() throws IOException {
    long seed = Long.getLong("atlas.seed", System.nanoTime());
    System.out.println("AtlasModelTest seed " + seed + " (rerun with -Datlas.seed=" + seed + ")");
    Random r = new Random(seed);
    int dim = 16;
    AtlasConfig config = new AtlasConfig(dim, 4, 3, 4);
    Map<Long, float[]> model = new HashMap<>();
    AtlasIndex index = AtlasIndex.create(dir, config);
    try {
      for (int step = 0; step < 3000; step++) {
        int op = r.nextInt(100);
        if (op < 60 || model.size() < 20) {
          long id = r.nextInt(2000);
          float[] v = clustered(r, dim);
          if (model.containsKey(id)) {
            AtlasIndex current = index;
            assertThrows(IllegalArgumentException.class, () -> current.add(id, v));
          } else {
            index.add(id, v);
            model.put(id, v);
          }
        } else if (op < 84) {
          long id = r.nextInt(2000);
          if (model.remove(id) != null) {
            index.remove(id);
          } else {
            AtlasIndex current = index;
            assertThrows(IllegalArgumentException.class, () -> current.remove(id));
          }
        } else if (op < 90) {
          // several at once, some absent or named twice (a session's forget): each leaf compacted once
          long[] ids = new long[1 + r.nextInt(40)];
          int removed = 0;
          for (int i = 0; i < ids.length; i++) {
            ids[i] = r.nextInt(2000);
            removed += model.remove(ids[i]) != null ? 1 : 0;
          }
          assertEquals(removed, index.removeAll(ids), "seed " + seed);
        } else if (op < 97) {
          checkAgainstModel(index, model, r, dim, seed, step);
        } else if (op < 98) {
          index.compact();
        } else {
          List<long[]> before = answers(index, r, dim, 20, seed + step);
          index.close();
          index = AtlasIndex.open(dir);
          assertEquals(model.size(), index.size(), "size after reopen, seed " + seed);
          List<long[]> after = answers(index, r, dim, 20, seed + step);
          for (int i = 0; i < before.size(); i++) {
            assertArrayEquals(before.get(i), after.get(i), "answer " + i + " changed across reopen, seed " + seed);
          }
        }
        assertEquals(model.size(), index.size());
      }
      checkAgainstModel(index, model, r, dim, seed, -1);
    } finally {
      index.close();
    }
  }

  /** Vectors around a few directions, so that leaves cluster as they would on real data. */
  private static float[] clustered(Random r, int dim) {
    float[] v = new float[dim];
    int centre = r.nextInt(6);
    for (int i = 0; i < dim; i++) {
      v[i] = (float) (r.nextGaussian() * 0.3 + ((i + centre) % 6 == 0 ? 2 : 0));
    }
    return v;
  }

  private static void checkAgainstModel(AtlasIndex index, Map<Long, float[]> model, Random r, int dim, long seed,
      int step) {
    float[] q = clustered(r, dim);
    int k = 5;
    List<Map.Entry<Long, Double>> scored = new ArrayList<>();
    double qn = norm(q);
    for (var e : model.entrySet()) {
      double dot = 0;
      for (int i = 0; i < dim; i++) {
        dot += q[i] * e.getValue()[i];
      }
      scored.add(Map.entry(e.getKey(), dot / (qn * norm(e.getValue()))));
    }
    scored.sort(Map.Entry.<Long, Double>comparingByValue(Comparator.reverseOrder()));
    int expected = Math.min(k, model.size());
    String where = " seed " + seed + " step " + step;
    for (int sketchDepth : EXHAUSTIVE_SKETCH_DEPTHS) {
      // The automatic sketch depth (0) keeps a fixed number of candidates once the index is large enough:
      // not exhaustive, so only an explicit depth (or none) belongs here.
      SearchResult got = index.search(q, k, new SearchParams(100_000, 100_000, 100_000, sketchDepth, true, 0));
      assertEquals(expected, got.size(), "sketch depth " + sketchDepth + where);
      for (int i = 0; i < expected; i++) {
        assertEquals(scored.get(i).getValue(), got.scores()[i], 1e-4, "sketch depth " + sketchDepth + " rank " + i
            + where);
        assertEquals(true, model.containsKey(got.ids()[i]), "deleted id returned," + where);
      }
    }
    SearchResult exact = index.exactSearch(q, k);
    for (int i = 0; i < expected; i++) {
      assertEquals(scored.get(i).getValue(), exact.scores()[i], 1e-4, "exact rank " + i + where);
    }
  }

  private static List<long[]> answers(AtlasIndex index, Random r, int dim, int queries, long seed) {
    Random qr = new Random(seed);
    List<long[]> out = new ArrayList<>();
    for (int i = 0; i < queries; i++) {
      out.add(index.search(clustered(qr, dim), 5, SearchParams.nprobe(3)).ids());
    }
    return out;
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }
}
