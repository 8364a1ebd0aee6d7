package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inner nodes of an index most of whose sessions were forgotten ({@link AtlasIndex#removeAll} a session at a
 * time): each one's row in its parent stays near the direction of its children's rows (the row a node is given when
 * it is made), refreshed as its children change, not the mean of what it once held; and the counts of the tree
 * against a fresh index of the same live vectors ({@code INNER ROWS AFTER FORGETS}).
 */
class InnerRowsAfterForgetsTest {

  private static final int DIM = 32;
  private static final int SESSIONS = 400;
  private static final int PER_SESSION = 100;
  private static final int TOPICS = 300;

  @TempDir
  Path dir;

  @Test
  void aShrunkIndexsInnerRowsAreTheirChildrensMean() throws IOException {
    Random r = new Random(404);
    float[][] topics = AtlasIndexTest.randomVectors(r, TOPICS, DIM);
    float[][] vs = new float[SESSIONS * PER_SESSION][];
    for (int s = 0; s < SESSIONS; s++) {
      int[] mine = {r.nextInt(TOPICS), r.nextInt(TOPICS)};
      for (int i = 0; i < PER_SESSION; i++) {
        float[] t = topics[mine[r.nextInt(mine.length)]];
        float[] v = new float[DIM];
        for (int d = 0; d < DIM; d++) {
          v[d] = t[d] + 0.3f * (float) r.nextGaussian();
        }
        vs[s * PER_SESSION + i] = v;
      }
    }
    List<Integer> adds = new ArrayList<>();
    for (int i = 0; i < vs.length; i++) {
      adds.add(i);
    }
    Collections.shuffle(adds, new Random(5));
    boolean[] live = new boolean[vs.length];
    try (AtlasIndex index = AtlasIndex.create(dir.resolve("forgotten"), AtlasConfig.of(DIM))) {
      for (int i : adds) {
        index.add(i, vs[i]);
        live[i] = true;
      }
      StringBuilder report = new StringBuilder("INNER ROWS AFTER FORGETS\n  all kept: " + shape(index));
      int forgotten = 0;
      for (int keptPercent : new int[] {10, 1}) {
        for (int keep = SESSIONS * keptPercent / 100; forgotten < SESSIONS - keep; forgotten++) {
          long[] ids = new long[PER_SESSION];
          for (int i = 0; i < PER_SESSION; i++) {
            ids[i] = (long) forgotten * PER_SESSION + i;
            live[forgotten * PER_SESSION + i] = false;
          }
          assertEquals(PER_SESSION, index.removeAll(ids));
        }
        try (AtlasIndex fresh = AtlasIndex.create(dir.resolve("fresh-" + keptPercent), AtlasConfig.of(DIM))) {
          for (int i : adds) {
            if (live[i]) {
              fresh.add(i, vs[i]);
            }
          }
          double worst = worstRowCosine(index.routing().root());
          report.append(String.format(java.util.Locale.ROOT, "%n  %d%% kept: %s, worst inner row cosine %.4f; fresh %s",
              keptPercent, shape(index), worst, shape(fresh)));
          System.out.println(report);
          assertTrue(worst >= 0.9, keptPercent + "% kept: an inner node's row has cosine " + worst
              + " with the direction of its children's rows");
        }
      }
    }
  }

  private static String shape(AtlasIndex index) {
    AtlasStats s = index.stats();
    return s.leaves() + " leaves under " + s.innerNodes() + " inner nodes, depth " + s.depth();
  }

  /** The least cosine of an inner node's row in its parent with the direction of the sum of its own rows. */
  private static double worstRowCosine(Node n) {
    double worst = 1;
    Node.Children c = n.children();
    for (int i = 0; i < c.kids().length; i++) {
      if (c.kids()[i] instanceof Node child) {
        float[] row = c.row(i);
        float[] sum = Vectors.directionOfSum(child.children().centroids(), row.length);
        double dot = 0;
        for (int d = 0; d < row.length; d++) {
          dot += row[d] * sum[d];
        }
        worst = Math.min(worst, Math.min(dot, worstRowCosine(child)));
      }
    }
    return worst;
  }
}
