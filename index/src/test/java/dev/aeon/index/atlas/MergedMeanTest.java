package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.index.atlas.store.EncodedVector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A leaf merge ({@code TreeWriter.mergeIntoSibling}) gives the new leaf the live entries of the leaves it joins, each
 * with the codes, scale and sketch its page held, and as its row the direction of their mean, which it takes from
 * those codes: within {@value #COSINE_TOLERANCE} of cosine of the FP32 originals' exact mean (what a merge computed
 * before, reading every original from the vector file), its length within {@value #NORM_TOLERANCE} of the exact
 * mean's. Three of every four ids of clustered sessions are forgotten at once, so that most leaves keep a quarter of
 * their entries and merge.
 */
class MergedMeanTest {

  /**
   * The most the merged row's cosine with the exact mean may fall short of 1. Measured: at most 7.3e-6 here (a code is
   * off by at most half its scale, and the errors average out over the entries), 3.7e-8 with the mean of the FP32
   * originals (the row's 16-bit rounding).
   */
  static final double COSINE_TOLERANCE = 1e-4;
  /** The most the merged leaf's mean length may differ from the exact mean's, relative to it. Measured: 1.2e-3. */
  static final double NORM_TOLERANCE = 1e-2;
  private static final AtlasConfig CONFIG = new AtlasConfig(48, 4, 4, 8);
  /** 37 dimensions: no multiple of any kernel's lanes, so that every row has a tail the lanes do not cover. */
  private static final AtlasConfig ODD_DIM = new AtlasConfig(37, 4, 4, 8);
  private static final int N = 2000;

  @TempDir
  Path dir;

  @Test
  void aMergedLeafHoldsItsLeavesEntriesAsTheyWereAndTheirMean() throws IOException {
    assertMergesKeepEntriesAndMean(CONFIG, false);
  }

  /** The codes' last components, past the kernels' lanes, count in the mean as the others do. */
  @Test
  void aMergedLeafOfVectorsOfAnOddDimensionHasTheirMean() throws IOException {
    assertMergesKeepEntriesAndMean(ODD_DIM, false);
  }

  /**
   * Every FP32 original overwritten with its opposite before the forget: the merged rows still point at the mean of
   * the vectors the pages hold, so no merge read an original. It failed before the mean came from the codes (each
   * merged row the opposite of its mean, cosine -1).
   */
  @Test
  void aMergeReadsNoOriginal() throws IOException {
    assertMergesKeepEntriesAndMean(CONFIG, true);
  }

  private void assertMergesKeepEntriesAndMean(AtlasConfig config, boolean originalsOverwritten) throws IOException {
    float[][] units = AtlasIndexTest.clusteredSessions(new Random(31), N / 20, 20, config.dim());
    for (float[] v : units) {
      Vectors.directionInto(v, v);
    }
    try (AtlasIndex index = AtlasIndex.create(dir, config)) {
      for (int i = 0; i < N; i++) {
        index.add(i, units[i]);
      }
      Storage st = index.storage();
      Map<Long, EncodedVector> stored = new HashMap<>();
      Map<Long, Integer> leafOf = new HashMap<>();
      Set<Integer> leavesBefore = new HashSet<>();
      for (Leaf leaf : index.routing().liveLeaves()) {
        leavesBefore.add(leaf.id);
        for (int page : leaf.pages()) {
          for (int i = 0; i < st.pages.count(page); i++) {
            stored.put(st.pages.id(page, i), st.pages.encoded(page, i));
            leafOf.put(st.pages.id(page, i), leaf.id);
          }
        }
      }
      if (originalsOverwritten) {
        for (int id = 0; id < N; id++) {
          float[] opposite = units[id].clone();
          for (int j = 0; j < opposite.length; j++) {
            opposite[j] = -opposite[j];
          }
          st.vectors.write(st.ids.get(id), id, opposite);
        }
      }
      long merges = index.writer().merges();

      index.removeAll(LongStream.range(0, N).filter(id -> id % 4 != 0).toArray());

      assertTrue(index.writer().merges() - merges >= 20, (index.writer().merges() - merges) + " merges");
      int merged = 0;
      double worstCosine = 1;
      double worstNorm = 0;
      for (Leaf leaf : index.routing().liveLeaves()) {
        if (leavesBefore.contains(leaf.id)) {
          continue; // kept its id: compacted or untouched, not merged (nothing splits in a forget)
        }
        merged++;
        Set<Long> ids = new HashSet<>();
        Set<Integer> joined = new HashSet<>();
        float[] exact = new float[config.dim()];
        for (int page : leaf.pages()) {
          for (int i = 0; i < st.pages.count(page); i++) {
            long id = st.pages.id(page, i);
            assertEquals(0, id % 4, "a forgotten id in merged leaf " + leaf.id);
            assertSameEncoding(stored.get(id), st.pages.encoded(page, i), id);
            ids.add(id);
            joined.add(leafOf.get(id));
            for (int j = 0; j < exact.length; j++) {
              exact[j] += units[(int) id][j] / (float) leaf.entries;
            }
          }
        }
        assertEquals(ids.size(), leaf.live(), "leaf " + leaf.id);
        assertTrue(joined.size() >= 2, "leaf " + leaf.id + " holds the entries of " + joined);
        leafOf.forEach((id, from) -> assertTrue(!joined.contains(from) || id % 4 != 0 || ids.contains(id),
            "id " + id + " of leaf " + from + " missing from the leaf it merged into"));
        float[] row = new float[config.dim()];
        leaf.parent.children().rowInto(leaf.parent.indexOf(leaf), row);
        double exactNorm = Vectors.length(exact);
        double cosine = dot(row, exact) / (exactNorm * Vectors.length(row)); // the 16-bit row is not quite unit
        worstCosine = Math.min(worstCosine, cosine);
        worstNorm = Math.max(worstNorm, Math.abs(leaf.meanNorm - exactNorm) / exactNorm);
      }
      assertTrue(merged >= 10, merged + " merged leaves");
      String worst = "worst cosine " + worstCosine + ", worst relative length " + worstNorm + " over " + merged;
      System.out.println("MergedMeanTest: " + worst);
      assertTrue(worstCosine >= 1 - COSINE_TOLERANCE, worst);
      assertTrue(worstNorm <= NORM_TOLERANCE, worst);
      if (!originalsOverwritten) {
        for (int id = 0; id < N; id += 4) {
          assertEquals(id, index.search(units[id], 1, SearchParams.nprobe(Integer.MAX_VALUE)).ids()[0]);
        }
      }
    }
  }

  private static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int j = 0; j < a.length; j++) {
      sum += (double) a[j] * b[j];
    }
    return sum;
  }

  private static void assertSameEncoding(EncodedVector expected, EncodedVector got, long id) {
    assertEquals(Float.floatToRawIntBits(expected.scale()), Float.floatToRawIntBits(got.scale()), "id " + id);
    assertArrayEquals(expected.codes(), got.codes(), "id " + id);
    assertEquals(Float.floatToRawIntBits(expected.sketchFactor()), Float.floatToRawIntBits(got.sketchFactor()));
    assertArrayEquals(expected.sketch(), got.sketch(), "id " + id);
  }
}
