package dev.aeon.index.atlas.store;

import java.util.List;
import org.roaringbitmap.RoaringBitmap;

/**
 * Everything the manifest holds: the configuration, the allocation high-water marks, the center the
 * sketches are taken around, every leaf with its
 * pages (and the count and checksum of each page at the flush), the routing tree, the tombstoned slots
 * and the free pages and slots.
 */
public record ManifestData(
    int dim, int pageCapacity, int pagesPerLeaf, int fanout,
    int nextLeafId, int slotHighWater, int pageHighWater, float[] sketchCenter,
    List<LeafRecord> leaves, NodeRecord root,
    RoaringBitmap tombstones, RoaringBitmap freePages, RoaringBitmap freeSlots) {

  /**
   * One leaf: id, version, the length of the mean of its vectors (its direction is the leaf's row in its
   * parent's centroids) and its pages.
   */
  public record LeafRecord(int id, long version, float meanNorm, int[] pages, int[] counts, int[] checksums) {}

  /**
   * One routing node: the centroid rows of its children ({@code children * dim} values as 16-bit floats,
   * {@link Float#floatToFloat16}, the precision the routing tree keeps them at; the file holds them
   * widened to 32 bits) and, per child, either a nested node ({@code nodes[i] != null}) or a leaf id
   * ({@code leafIds[i]}).
   */
  public record NodeRecord(short[] centroids, int[] leafIds, NodeRecord[] nodes) {}
}
