package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.index.kernel.Kernels;
import dev.aeon.index.kernel.SketchQuery;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A leaf split or merge gives its parent new children, whose other rows keep their codes and sketches as they were
 * ({@link CentroidCodes#rearranged}): re-encoding every row around the rows' new mean was most of what a merge cost.
 * What a row's sketch estimates for a fixed query (its sketch and the node's center together) is compared before and
 * after each add and each session forgotten, for every child a changed node kept. A node's center is taken again once
 * the rows changed since reach a quarter of its rows, so some changes re-encode every row; most must not.
 */
class ParentRowCodesTest {

  private static final int DIM = 32;
  private static final int SESSIONS = 80;
  private static final int PER_SESSION = 100;

  @TempDir
  Path dir;

  @Test
  void splitsAndMergesKeepTheOtherRowsCodes() throws IOException {
    Random r = new Random(5);
    float[] query = AtlasIndexTest.randomVector(r, DIM);
    float norm = 0;
    for (float x : query) {
      norm += x * x;
    }
    for (int d = 0; d < DIM; d++) {
      query[d] /= (float) Math.sqrt(norm);
    }
    try (AtlasIndex index = AtlasIndex.create(dir, AtlasConfig.of(DIM))) {
      Tally splits = new Tally();
      for (int s = 0; s < SESSIONS; s++) {
        float[] centre = AtlasIndexTest.randomVector(r, DIM);
        for (int i = 0; i < PER_SESSION; i++) {
          float[] v = AtlasIndexTest.near(centre, r);
          Map<Node, Rows> before = rows(index, query);
          index.add((long) s * PER_SESSION + i, v);
          // The leaf the vector went to moved its row in place: one kept child may differ.
          splits.compare(before, rows(index, query), 1);
        }
      }
      Tally merges = new Tally();
      for (int s = 0; s < SESSIONS - 4; s++) {
        Map<Node, Rows> before = rows(index, query);
        long[] ids = LongStream.range((long) s * PER_SESSION, (long) (s + 1) * PER_SESSION).toArray();
        assertEquals(PER_SESSION, index.removeAll(ids));
        merges.compare(before, rows(index, query), 0);
      }
      String what = "splits " + splits + ", merges " + merges + " (" + index.writer().merges() + " leaf merges)";
      System.out.println("PARENT ROW CODES: " + what);
      assertTrue(splits.changed >= 50 && merges.changed >= 20, "too few nodes changed to tell: " + what);
      assertTrue(splits.kept * 3 >= splits.changed * 2, "a split re-encoded its parent's other rows: " + what);
      assertTrue(merges.kept * 3 >= merges.changed * 2, "a merge re-encoded its parent's other rows: " + what);
    }
  }

  /**
   * Codes rearranged by splits and merges, many in turn across sketch blocks' strides, are those of the rows: each
   * row's INT8 codes and scale those its own encoding gives, and its sketch estimates its dot product with a query
   * as closely as the sketches of codes made from scratch do.
   */
  @Test
  void rearrangedCodesAreTheRowsCodes() {
    int dim = 128;
    Random r = new Random(17);
    float[] offset = AtlasIndexTest.randomVector(r, dim);
    List<float[]> rows = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      rows.add(offCentre(r, offset, dim));
    }
    Node.Children c = new Node.Children(new Object[rows.size()], flat(rows, dim));
    InsertScratch scratch = new InsertScratch(dim);
    for (int step = 0; step < 60; step++) {
      int at = r.nextInt(rows.size());
      if (step % 3 == 2 && rows.size() > 3) { // merges now and then, splits mostly: the node grows across strides
        int other = (at + 1 + r.nextInt(rows.size() - 1)) % rows.size();
        int keep = Math.min(at, other), drop = Math.max(at, other);
        float[] merged = offCentre(r, offset, dim);
        c = c.withMerged(keep, drop, new Object(), merged, scratch);
        rows.set(keep, merged);
        rows.remove(drop);
      } else {
        float[] a = offCentre(r, offset, dim);
        float[] b = offCentre(r, offset, dim);
        c = c.withSplit(at, new Object(), a, new Object(), b, scratch);
        rows.set(at, a);
        rows.add(at + 1, b);
      }
      Node.Children fresh = new Node.Children(new Object[rows.size()], flat(rows, dim));
      assertEquals(rows.size(), c.codes().rows());
      assertTrue(java.util.Arrays.equals(fresh.rowsForSnapshot(), c.rowsForSnapshot()), "rows at step " + step);
      byte[] mine = c.codes().segment().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
      byte[] theirs = fresh.codes().segment().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
      assertTrue(java.util.Arrays.equals(theirs, mine), "codes at step " + step);
      double error = 0;
      double freshError = 0;
      for (int q = 0; q < 10; q++) {
        float[] query = offCentre(r, offset, dim);
        float[] e = estimates(c.codes(), query);
        float[] f = estimates(fresh.codes(), query);
        for (int i = 0; i < rows.size(); i++) {
          assertEquals(fresh.codes().scale(i), c.codes().scale(i), "scale of row " + i + " at step " + step);
          float exact = 0;
          for (int d = 0; d < dim; d++) {
            exact += query[d] * c.row(i)[d];
          }
          error += Math.abs(e[i] - exact);
          freshError += Math.abs(f[i] - exact);
        }
      }
      assertTrue(error <= 1.5 * freshError, "step " + step + ": estimate error " + error + ", from scratch "
          + freshError);
    }
  }

  /** A unit vector about {@code offset}, as a node's rows are about their mean. */
  private static float[] offCentre(Random r, float[] offset, int dim) {
    float[] row = AtlasIndexTest.randomVector(r, dim);
    double norm = 0;
    for (int d = 0; d < dim; d++) {
      row[d] = 0.5f * row[d] + 2 * offset[d];
      norm += row[d] * row[d];
    }
    for (int d = 0; d < dim; d++) {
      row[d] /= (float) Math.sqrt(norm);
    }
    return row;
  }

  private static float[] flat(List<float[]> rows, int dim) {
    float[] out = new float[rows.size() * dim];
    for (int i = 0; i < rows.size(); i++) {
      System.arraycopy(rows.get(i), 0, out, i * dim, dim);
    }
    return out;
  }

  private static float[] estimates(CentroidCodes codes, float[] query) {
    float[] out = new float[codes.sketchStride()];
    codes.estimate(Kernels.best(), query, SketchQuery.of(query, new float[query.length]), out);
    return out;
  }

  /** Nodes whose children changed, and of those, how many kept their other children's estimates exactly. */
  private static final class Tally {
    int changed;
    int kept;

    void compare(Map<Node, Rows> before, Map<Node, Rows> after, int mayDiffer) {
      for (Map.Entry<Node, Rows> e : after.entrySet()) {
        Rows was = before.get(e.getKey());
        Rows now = e.getValue();
        if (was == null || was.children == now.children) {
          continue;
        }
        int common = 0;
        int differ = 0;
        for (Map.Entry<Object, Float> kid : now.estimates.entrySet()) {
          Float old = was.estimates.get(kid.getKey());
          if (old != null) {
            common++;
            differ += old.floatValue() == kid.getValue().floatValue() ? 0 : 1;
          }
        }
        if (common >= 3) {
          changed++;
          kept += differ <= mayDiffer ? 1 : 0;
        }
      }
    }

    @Override
    public String toString() {
      return kept + " of " + changed + " kept";
    }
  }

  /** A node's children and what each child's row's sketch estimates for the query. */
  private record Rows(Node.Children children, Map<Object, Float> estimates) {}

  private static Map<Node, Rows> rows(AtlasIndex index, float[] query) {
    Map<Node, Rows> out = new IdentityHashMap<>();
    List<Node> todo = new ArrayList<>(List.of(index.routing().root()));
    while (!todo.isEmpty()) {
      Node n = todo.removeLast();
      Node.Children c = n.children();
      CentroidCodes codes = c.codes();
      float[] e = estimates(codes, query);
      Map<Object, Float> byKid = new IdentityHashMap<>();
      for (int i = 0; i < c.kids().length; i++) {
        byKid.put(c.kids()[i], e[i]);
        if (c.kids()[i] instanceof Node child) {
          todo.add(child);
        }
      }
      out.put(n, new Rows(c, byKid));
    }
    return out;
  }
}
