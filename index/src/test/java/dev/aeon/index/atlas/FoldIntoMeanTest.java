package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link TreeWriter#foldIntoMean} gives the bits its first version gave (kept here): the leaf's mean length, its row's
 * 16-bit floats in the parent, and the row's codes and scale, for leaves of every size at every place in a node.
 */
class FoldIntoMeanTest {

  @Test
  void aFoldIsTheFirstVersionsBitForBit() {
    Random r = new Random(23);
    for (int dim : new int[] {1, 7, 40, 384}) {
      for (int round = 0; round < 50; round++) {
        int n = 1 + r.nextInt(9), at = r.nextInt(n);
        float[] rows = new float[n * dim];
        for (int i = 0; i < rows.length; i++) {
          rows[i] = (float) (r.nextGaussian() / Math.sqrt(dim));
        }
        float norm = round % 10 == 0 ? 0f : (float) r.nextDouble();
        int entries = r.nextInt(200);
        float[] v = AtlasIndexTest.randomVector(r, dim);
        Vectors.directionInto(v, v);

        Leaf leaf = leafIn(rows, n, at, norm, entries);
        TreeWriter.foldIntoMean(leaf, v, new InsertScratch(dim));
        Leaf first = leafIn(rows, n, at, norm, entries);
        firstVersion(first, v, new InsertScratch(dim));

        String what = dim + " dims, row " + at + " of " + n + ", round " + round;
        assertEquals(Float.floatToRawIntBits(first.meanNorm), Float.floatToRawIntBits(leaf.meanNorm), what);
        Node.Children expected = first.parent.children(), got = leaf.parent.children();
        assertArrayEquals(expected.rowsForSnapshot(), got.rowsForSnapshot(), what);
        assertEquals(expected.codes().scale(at), got.codes().scale(at), what);
        assertArrayEquals(expected.codes().segment().toArray(ValueLayout.JAVA_BYTE),
            got.codes().segment().toArray(ValueLayout.JAVA_BYTE), what);
      }
    }
  }

  private static Leaf leafIn(float[] rows, int n, int at, float norm, int entries) {
    Object[] kids = new Object[n];
    Leaf leaf = null;
    for (int i = 0; i < n; i++) {
      kids[i] = new Leaf(i, 0);
      if (i == at) {
        leaf = (Leaf) kids[i];
      }
    }
    Node parent = new Node(new Node.Children(kids, rows.clone()));
    for (Object k : kids) {
      ((Leaf) k).parent = parent;
    }
    leaf.meanNorm = norm;
    leaf.entries = entries;
    return leaf;
  }

  /** The first version: the mean read (row times length), moved, its length and direction, the row written. */
  private static void firstVersion(Leaf leaf, float[] v, InsertScratch scratch) {
    int dim = v.length;
    float[] mean = scratch.mean;
    leaf.parent.children().rowInto(leaf.parent.indexOf(leaf), mean);
    for (int j = 0; j < dim; j++) {
      mean[j] *= leaf.meanNorm;
    }
    float w = 1f / (leaf.entries + 1);
    for (int j = 0; j < dim; j++) {
      mean[j] += (v[j] - mean[j]) * w;
    }
    leaf.meanNorm = (float) Vectors.length(mean);
    double norm = Vectors.length(mean);
    float[] direction = scratch.direction;
    for (int j = 0; j < dim; j++) {
      direction[j] = (float) (mean[j] * (norm > 0 ? 1 / norm : 0));
    }
    Node.Children c = leaf.parent.children();
    int i = leaf.parent.indexOf(leaf);
    short[] centroids = c.rowsForSnapshot();
    for (int j = 0; j < dim; j++) {
      centroids[i * dim + j] = Float.floatToFloat16(direction[j]);
    }
    c.rowInto(i, scratch.row);
    c.codes().set(i, scratch.row, scratch.codes, scratch.words);
  }
}
