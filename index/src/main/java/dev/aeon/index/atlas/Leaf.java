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
  /**
   * Length of the running mean of the leaf's entries. Its direction is the leaf's row in the parent, so
   * the mean itself is not kept twice: at 784 dimensions and 56 vectors a leaf, an FP32 copy of every
   * mean cost 0.07 x dim bytes per vector.
   */
  float meanNorm;
  /**
   * During {@code TreeWriter.removeAll} only, how many of its entries the call deletes; 0 otherwise, also after a call
   * that failed (RemoveAllTest: ...FailsWhileCountingLeaves..., ...FailsWhileChoosingItsCompactions...).
   */
  int pendingDeletes;
  /** What the last flush's snapshot took of this leaf, which the next takes again if the version is the same. */
  Persistence.LeafImage image;

  Leaf(int id, long version) {
    this.id = id;
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

  /**
   * Takes {@code mean} as the leaf's running mean: keeps its length and returns its direction, which the
   * caller stores as the leaf's row in the parent (a zero mean gives a zero row).
   */
  float[] setMean(float[] mean) {
    float[] direction = new float[mean.length];
    setMean(mean, direction);
    return direction;
  }

  /** As {@link #setMean(float[])}, the direction written into {@code direction}. */
  void setMean(float[] mean, float[] direction) {
    double length = Vectors.length(mean);
    meanNorm = (float) length;
    Vectors.directionInto(mean, length, direction); // the length once: its sum is a serial chain of dim adds
  }
}
