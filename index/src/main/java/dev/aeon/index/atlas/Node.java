package dev.aeon.index.atlas;

/**
 * An inner node of the routing tree. Its children and their centroid rows form one immutable
 * {@link Children} value that the writer replaces wholesale (copy-on-write), so a reader always sees a
 * consistent list. The one in-place write is a leaf's centroid row drifting towards the leaf's mean as
 * vectors arrive; a reader may see some components updated and others not, which only nudges routing.
 */
final class Node {

  /**
   * Children ({@link Leaf} or {@link Node}), their unit centroids ({@code kids.length * dim} floats,
   * for the writer and the manifest) and the INT8 codes of those centroids (for the descent).
   */
  static final class Children {

    private final Object[] kids;
    private final float[] centroids;
    private final CentroidCodes codes;

    Children(Object[] kids, float[] centroids) {
      this.kids = kids;
      this.centroids = centroids;
      int dim = kids.length == 0 ? 0 : centroids.length / kids.length;
      this.codes = CentroidCodes.of(centroids, kids.length, Math.max(1, dim));
    }

    Object[] kids() {
      return kids;
    }

    float[] centroids() {
      return centroids;
    }

    CentroidCodes codes() {
      return codes;
    }

    /** Rewrites centroid row {@code i} (FP32 and code) in place. Writer only. */
    void setRow(int i, float[] unit) {
      System.arraycopy(unit, 0, centroids, i * unit.length, unit.length);
      codes.set(i, unit);
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
