package dev.aeon.index.atlas;

/**
 * A snapshot of an index's size and shape.
 *
 * @param vectors live vectors
 * @param tombstones deleted vectors whose codes still occupy pages (until their leaf is compacted)
 * @param leaves leaves of the routing tree
 * @param innerNodes inner routing nodes
 * @param depth levels of inner nodes from the root to the deepest leaf's parent
 * @param pagesInUse pages linked into leaves
 * @param pageBytes bytes per page: its block of the page file, its block of the sketch file and its count's
 *     in-memory mirror
 * @param routingBytes heap bytes of the routing tree (16-bit centroid rows, INT8 centroid codes, a float per leaf)
 * @param sidecarBytes bytes of the FP32 sidecar file (mapped; not counted as resident)
 */
public record AtlasStats(long vectors, long tombstones, int leaves, int innerNodes, int depth, long pagesInUse,
    int pageBytes, long routingBytes, long sidecarBytes) {

  /** Resident bytes per live vector: pages in use plus routing, divided by the live vectors. */
  public double bytesPerVector() {
    return vectors == 0 ? 0 : (pagesInUse * (double) pageBytes + routingBytes) / vectors;
  }
}
