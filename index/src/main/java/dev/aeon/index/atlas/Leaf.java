package dev.aeon.index.atlas;

/**
 * A leaf of the routing tree: a cluster of similar vectors whose codes fill a short list of pages.
 *
 * <p>Readers see the page list and the version through volatile fields; the writer replaces the page
 * list wholesale (copy-on-write) and bumps the version whenever the leaf's contents change, so a cached
 * (leaf, version) pair tells a reader whether what it scored is still what the leaf holds. The other
 * fields belong to the writer.
 */
final class Leaf {

  final int id;
  private volatile int[] pages = new int[0];
  private volatile long version;
  private volatile boolean retired;

  // Writer-only state.
  Node parent;
  int entries;
  int dead;
  final float[] mean;

  Leaf(int id, int dim, long version) {
    this.id = id;
    this.mean = new float[dim];
    this.version = version;
  }

  int[] pages() {
    return pages;
  }

  long version() {
    return version;
  }

  boolean retired() {
    return retired;
  }

  void publishPages(int[] p) {
    pages = p;
  }

  void bump() {
    version = version + 1;
  }

  /** Marks the leaf as replaced (split or emptied): its id will never be routed to again. */
  void retire() {
    retired = true;
    bump();
  }

  int live() {
    return entries - dead;
  }

  /** Folds one more vector into the running mean of the leaf's entries. */
  void addToMean(float[] v) {
    float w = 1f / (entries + 1);
    for (int j = 0; j < mean.length; j++) {
      mean[j] += (v[j] - mean[j]) * w;
    }
  }
}
