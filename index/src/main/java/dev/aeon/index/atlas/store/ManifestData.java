package dev.aeon.index.atlas.store;

import java.util.List;
import org.roaringbitmap.RoaringBitmap;

/**
 * Everything the manifest holds: the configuration, the allocation high-water marks, the center the
 * sketches are taken around, every leaf with its
 * pages (and the count and checksum of each page at the flush), the routing tree, the tombstoned slots,
 * the free pages and slots, and the leaves waiting for a merge that was skipped for want of room.
 */
public record ManifestData(
    int dim, int pageCapacity, int pagesPerLeaf, int fanout,
    int nextLeafId, int slotHighWater, int pageHighWater, float[] sketchCenter,
    List<LeafRecord> leaves, NodeRecord root,
    RoaringBitmap tombstones, RoaringBitmap freePages, RoaringBitmap freeSlots, RoaringBitmap mergesWaiting,
    long[] bitmapOffsets) {

  /** Where nothing was read from a file (a manifest about to be written). */
  public static final long NOT_READ = -1;

  /**
   * A manifest about to be written: the offsets where the tombstones, free pages, free slots and leaves waiting for a
   * merge were read (each at its length), which the checks at open name in their errors, are {@link #NOT_READ}.
   */
  public ManifestData(int dim, int pageCapacity, int pagesPerLeaf, int fanout, int nextLeafId, int slotHighWater,
      int pageHighWater, float[] sketchCenter, List<LeafRecord> leaves, NodeRecord root, RoaringBitmap tombstones,
      RoaringBitmap freePages, RoaringBitmap freeSlots, RoaringBitmap mergesWaiting) {
    this(dim, pageCapacity, pagesPerLeaf, fanout, nextLeafId, slotHighWater, pageHighWater, sketchCenter, leaves,
        root, tombstones, freePages, freeSlots, mergesWaiting, new long[] {NOT_READ, NOT_READ, NOT_READ, NOT_READ});
  }

  /**
   * One leaf: id, version, the length of the mean of its vectors (its direction is the leaf's row in its
   * parent's centroids) and its pages; {@code offset} is where its record starts in the file read.
   */
  public record LeafRecord(int id, long version, float meanNorm, int[] pages, int[] counts, int[] checksums,
      long offset) {

    /** A leaf about to be written. */
    public LeafRecord(int id, long version, float meanNorm, int[] pages, int[] counts, int[] checksums) {
      this(id, version, meanNorm, pages, counts, checksums, NOT_READ);
    }
  }

  /**
   * One routing node: the centroid rows of its children ({@code children * dim} values as 16-bit floats,
   * {@link Float#floatToFloat16}, the precision the routing tree keeps them at; the file holds them
   * widened to 32 bits) and, per child, either a nested node ({@code nodes[i] != null}) or a leaf id
   * ({@code leafIds[i]}); {@code offset} is where it starts in the file read, {@code childOffsets} where each
   * child does (its tag).
   */
  public record NodeRecord(short[] centroids, int[] leafIds, NodeRecord[] nodes, long offset, long[] childOffsets) {

    /** A node about to be written. */
    public NodeRecord(short[] centroids, int[] leafIds, NodeRecord[] nodes) {
      this(centroids, leafIds, nodes, NOT_READ, null);
    }
  }
}
