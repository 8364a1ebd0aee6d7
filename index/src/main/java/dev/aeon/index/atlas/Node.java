package dev.aeon.index.atlas;

/**
 * An inner node of the routing tree. Its children and their centroid rows form one immutable
 * {@link Children} value that the writer replaces wholesale (copy-on-write), so a reader always sees a
 * consistent list. The one in-place write is a leaf's centroid row drifting towards the leaf's mean as
 * vectors arrive; a reader may see some components updated and others not, which only nudges routing.
 */
final class Node {

  /** Children ({@link Leaf} or {@link Node}) and their unit centroids, {@code kids.length * dim} floats. */
  record Children(Object[] kids, float[] centroids) {}

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
