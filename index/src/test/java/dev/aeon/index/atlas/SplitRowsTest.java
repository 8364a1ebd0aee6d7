package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A leaf split gives its parent's children their 16-bit rows without widening the node to 32 bits and back
 * ({@link Node.Children#halvesWithSplitRow}): the rows must be what that round trip gave, the split row replaced
 * and the new one after it, at every position, and the codes made from them must score as codes made from the
 * widened rows.
 */
class SplitRowsTest {

  @Test
  void aSplitChildsRowsAreThoseOfTheRoundTripThroughFloats() {
    Random r = new Random(11);
    int dim = 40;
    for (int n = 1; n <= 6; n++) {
      float[] rows = new float[n * dim];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = (float) r.nextGaussian() / 7;
      }
      Node.Children c = new Node.Children(new Object[n], rows);
      for (int at = 0; at < n; at++) {
        float[] a = AtlasIndexTest.randomVector(r, dim);
        float[] b = AtlasIndexTest.randomVector(r, dim);
        // As the writer did before: every row widened, the new row inserted after the split one, that one replaced.
        float[] widened = c.centroids();
        float[] expected = new float[widened.length + dim];
        System.arraycopy(widened, 0, expected, 0, (at + 1) * dim);
        System.arraycopy(b, 0, expected, (at + 1) * dim, dim);
        System.arraycopy(widened, (at + 1) * dim, expected, (at + 2) * dim, widened.length - (at + 1) * dim);
        System.arraycopy(a, 0, expected, at * dim, dim);
        Node.Children before = new Node.Children(new Object[n + 1], expected);
        Node.Children after = new Node.Children(new Object[n + 1], c.halvesWithSplitRow(at, a, b));
        String what = n + " rows, split at " + at;
        assertArrayEquals(before.rowsForSnapshot(), after.rowsForSnapshot(), what);
        for (int i = 0; i <= n; i++) {
          assertEquals(before.codes().scale(i), after.codes().scale(i), what + ", scale of row " + i);
        }
      }
    }
  }
}
