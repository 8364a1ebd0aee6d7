package dev.aeon.index.atlas;

/**
 * An inner node of the routing tree. Its children and their centroid rows form one immutable
 * {@link Children} value that the writer replaces wholesale (copy-on-write), so a reader always sees a
 * consistent list. The in-place writes are a leaf's centroid row drifting towards the leaf's mean as
 * vectors arrive, and an inner node's row set to its rows' mean when its codes take their center again (see
 * TreeWriter#refreshRow); a reader may see some components updated and others not, which only nudges routing. (Its
 * 16-bit rows, which only the writer and the flush read, are copied first when a flush's snapshot holds them.)
 */
final class Node {

  /**
   * Children ({@link Leaf} or {@link Node}), their unit centroids ({@code kids.length * dim} values, for
   * the writer and the manifest) and the INT8 codes of those centroids (for the descent). The centroids
   * are kept as 16-bit floats: only the writer reads them (to fold a vector into a leaf's mean, to split),
   * where their 11-bit precision is far finer than routing needs, and at 32 bits they had been most of
   * the routing tree's memory.
   */
  static final class Children {

    private final Object[] kids;
    /**
     * The rows. Shared with the flush snapshots that took them ({@link #rowsForSnapshot}) until the writer next
     * moves a row ({@link #setRow}), which then writes a copy: a snapshot's rows stay as they were, without the
     * pause that took it copying every row of the tree (at 100,000 entries of 384 dimensions, about 1 MB).
     */
    private short[] centroids;
    /** True while a snapshot holds {@link #centroids}: the next {@link #setRow} copies them first. Writer only. */
    private boolean rowsShared;
    private final int dim;
    private final CentroidCodes codes;
    private final boolean leavesOnly;
    private final boolean nodesOnly;

    Children(Object[] kids, float[] centroids) {
      this(kids, toHalf(centroids));
    }

    /** Children with their centroid rows given as 16-bit floats ({@link #halfCentroids}), taken as they are. */
    Children(Object[] kids, short[] halfCentroids) {
      int dim = Math.max(1, kids.length == 0 ? 0 : halfCentroids.length / kids.length);
      // Codes from the rounded rows, as a reopened index (which reads them back) computes them.
      this(kids, halfCentroids, dim, CentroidCodes.of(halfCentroids, kids.length, dim));
    }

    private Children(Object[] kids, short[] halfCentroids, int dim, CentroidCodes codes) {
      this.kids = kids;
      this.leavesOnly = allAre(kids, Leaf.class);
      this.nodesOnly = allAre(kids, Node.class);
      this.dim = dim;
      this.centroids = halfCentroids;
      this.codes = codes;
    }

    /**
     * These children with child {@code at} replaced by {@code a} and {@code b} after it, their rows {@code rowA} and
     * {@code rowB} (a split's halves): the other rows and their codes as they are, only the two new rows encoded
     * ({@link CentroidCodes#rearranged}), through the writer's buffers. These children are not changed.
     */
    Children withSplit(int at, Object a, float[] rowA, Object b, float[] rowB, InsertScratch scratch) {
      Object[] out = new Object[kids.length + 1];
      System.arraycopy(kids, 0, out, 0, at);
      out[at] = a;
      out[at + 1] = b;
      System.arraycopy(kids, at + 1, out, at + 2, kids.length - at - 1);
      int[] from = new int[out.length];
      for (int i = 0; i < from.length; i++) {
        from[i] = i < at ? i : i <= at + 1 ? -1 : i - 1;
      }
      short[] rows = halvesWithSplitRow(at, rowA, rowB);
      return new Children(out, rows, dim, codes.rearranged(rows, from, scratch.row, scratch.codes, scratch.words));
    }

    /**
     * These children with children {@code keep} and {@code drop} replaced by {@code merged} at {@code keep}, its row
     * {@code row} (a merge of two leaves): the other rows and their codes as they are, only the new row encoded.
     * These children are not changed.
     */
    Children withMerged(int keep, int drop, Object merged, float[] row, InsertScratch scratch) {
      int[] from = new int[kids.length - 1];
      Object[] out = new Object[from.length];
      short[] rows = new short[from.length * dim];
      for (int i = 0; i < from.length; i++) {
        int s = i < drop ? i : i + 1;
        from[i] = s == keep ? -1 : s;
        out[i] = s == keep ? merged : kids[s];
        if (s == keep) {
          for (int j = 0; j < dim; j++) {
            rows[i * dim + j] = Float.floatToFloat16(row[j]);
          }
        } else {
          System.arraycopy(centroids, s * dim, rows, i * dim, dim);
        }
      }
      return new Children(out, rows, dim, codes.rearranged(rows, from, scratch.row, scratch.codes, scratch.words));
    }

    /**
     * These children without child {@code at}: the other rows and their codes as they are. These children are not
     * changed.
     */
    Children without(int at, InsertScratch scratch) {
      int[] from = new int[kids.length - 1];
      Object[] out = new Object[from.length];
      short[] rows = new short[from.length * dim];
      for (int i = 0; i < from.length; i++) {
        int s = i < at ? i : i + 1;
        from[i] = s;
        out[i] = kids[s];
        System.arraycopy(centroids, s * dim, rows, i * dim, dim);
      }
      return new Children(out, rows, dim, codes.rearranged(rows, from, scratch.row, scratch.codes, scratch.words));
    }

    /**
     * True if every kid is a {@code kind}. A loop, not a stream: every merge and split builds children, and the
     * stream's pipeline was 6 of the 101 samples of a JFR of clustered session forgets (docs/benchmarks.md).
     */
    private static boolean allAre(Object[] kids, Class<?> kind) {
      for (Object k : kids) {
        if (!kind.isInstance(k)) {
          return false;
        }
      }
      return true;
    }

    /** The dot product of centroid row {@code i} (widened) with {@code v}. */
    double dotWithRow(int i, float[] v) {
      double dot = 0;
      for (int j = 0; j < dim; j++) {
        dot += Float.float16ToFloat(centroids[i * dim + j]) * v[j];
      }
      return dot;
    }

    private static short[] toHalf(float[] rows) {
      short[] half = new short[rows.length];
      for (int i = 0; i < rows.length; i++) {
        half[i] = Float.floatToFloat16(rows[i]);
      }
      return half;
    }

    Object[] kids() {
      return kids;
    }

    /** All centroid rows, widened to 32 bits (a copy). */
    float[] centroids() {
      float[] out = new float[centroids.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = Float.float16ToFloat(centroids[i]);
      }
      return out;
    }

    /**
     * These rows as 16-bit floats with row {@code at} replaced by {@code row} and {@code inserted} after it: a split
     * child's two halves. The other rows are copied as they are, which is what widening them to 32 bits and
     * rounding them back gives (a 16-bit float widens exactly), without the two copies of the node that took.
     */
    short[] halvesWithSplitRow(int at, float[] row, float[] inserted) {
      short[] out = new short[centroids.length + dim];
      System.arraycopy(centroids, 0, out, 0, at * dim);
      for (int j = 0; j < dim; j++) {
        out[at * dim + j] = Float.floatToFloat16(row[j]);
        out[(at + 1) * dim + j] = Float.floatToFloat16(inserted[j]);
      }
      System.arraycopy(centroids, (at + 1) * dim, out, (at + 2) * dim, centroids.length - (at + 1) * dim);
      return out;
    }

    /**
     * All centroid rows as 16-bit floats, for a flush's snapshot under the writer's lock: not a copy, but never
     * written again (the writer's next {@link #setRow} copies them first); the manifest widens them when it is
     * written, after the lock.
     */
    short[] rowsForSnapshot() {
      rowsShared = true;
      return centroids;
    }

    /** Centroid row {@code i}, widened to 32 bits (a copy). */
    float[] row(int i) {
      float[] out = new float[dim];
      rowInto(i, out);
      return out;
    }

    /** Writes centroid row {@code i}, widened to 32 bits, into {@code out} (its {@code dim} values). */
    void rowInto(int i, float[] out) {
      for (int j = 0; j < dim; j++) {
        out[j] = Float.float16ToFloat(centroids[i * dim + j]);
      }
    }

    /** True if every child is a leaf (the level the descent scores most rows of). */
    boolean leavesOnly() {
      return leavesOnly;
    }

    /**
     * True if every child is an inner node: the descent then scores the rows without reading the children, and
     * reads only those it keeps (a child read to learn its kind was a cache miss per row of the level above the
     * leaves).
     */
    boolean nodesOnly() {
      return nodesOnly;
    }

    CentroidCodes codes() {
      return codes;
    }

    /**
     * Rewrites centroid row {@code i} (16-bit floats and codes) in place, through the writer's buffers (the row
     * widened back, its codes and sketch: {@code scratch}). Writer only.
     */
    void setRow(int i, float[] unit, InsertScratch scratch) {
      if (rowsShared) { // once per node and flush at most, after the pause rather than in it
        centroids = centroids.clone();
        rowsShared = false;
      }
      float[] row = scratch.row;
      for (int j = 0; j < dim; j++) { // the row rounded and widened back in one pass, as rowInto would read it
        short half = Float.floatToFloat16(unit[j]);
        centroids[i * dim + j] = half;
        row[j] = Float.float16ToFloat(half);
      }
      codes.set(i, row, scratch.codes, scratch.words);
    }
  }

  private volatile Children children;
  Node parent; // writer-only

  Node(Children children) {
    this.children = children;
  }

  Children children() {
    return children;
  }

  void publish(Children c) {
    children = c;
  }

  int indexOf(Object kid) {
    Object[] kids = children.kids();
    for (int i = 0; i < kids.length; i++) {
      if (kids[i] == kid) {
        return i;
      }
    }
    throw new IllegalStateException("routing tree: child not found in its parent");
  }
}
