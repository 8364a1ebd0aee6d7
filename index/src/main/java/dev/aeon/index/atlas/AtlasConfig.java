package dev.aeon.index.atlas;

/**
 * The fixed shape of an index, chosen at creation and stored in its manifest.
 *
 * @param dim vector dimension
 * @param pageCapacity vectors per page (one bulk-kernel call scores one page)
 * @param pagesPerLeaf pages a leaf may fill before it splits; a leaf holds up to
 *     {@code pageCapacity * pagesPerLeaf} vectors
 * @param fanout children an inner routing node may have before it splits
 */
public record AtlasConfig(int dim, int pageCapacity, int pagesPerLeaf, int fanout) {

  /*
   * Leaves of up to 128 vectors: on 384-dim sentence embeddings, finer leaves reach the same recall
   * while scoring fewer vectors (recall@10 0.95 at about 5,200 scored of 117,000, against 7,600 with
   * leaves of 256). Pages of 8: the half-empty last page of each leaf is what keeps the pages within the
   * memory budget (a leaf of 72 vectors wastes about 4 slots of 8-vector pages, 8 of 16-vector ones), and 8
   * is one vector of sketches for the sketch kernel.
   */
  public static final int DEFAULT_PAGE_CAPACITY = 8;
  public static final int DEFAULT_PAGES_PER_LEAF = 16;
  public static final int DEFAULT_FANOUT = 64;
  public static final int MAX_DIM = 65_536;

  public AtlasConfig {
    if (dim <= 0 || dim > MAX_DIM) {
      throw new IllegalArgumentException("dimension must be in [1, " + MAX_DIM + "]: " + dim);
    }
    if (pageCapacity < 1 || pageCapacity > 4096) {
      throw new IllegalArgumentException("pageCapacity must be in [1, 4096]: " + pageCapacity);
    }
    if (pagesPerLeaf < 1 || (long) pagesPerLeaf * pageCapacity > 65_536) {
      throw new IllegalArgumentException("pagesPerLeaf must be >= 1 and leaves at most 65536 vectors: " + pagesPerLeaf);
    }
    // A full leaf splits in two: a leaf of one vector splits into itself and an empty leaf, and an insert
    // routed to it again splits it again, for ever.
    if (pagesPerLeaf * pageCapacity < 2) {
      throw new IllegalArgumentException("a leaf must hold at least 2 vectors (pageCapacity x pagesPerLeaf): "
          + pageCapacity + " x " + pagesPerLeaf);
    }
    if (fanout < 4 || fanout > 4096) {
      throw new IllegalArgumentException("fanout must be in [4, 4096]: " + fanout);
    }
  }

  /** The defaults: 8 vectors per page, 16 pages per leaf, fan-out 64. */
  public static AtlasConfig of(int dim) {
    return new AtlasConfig(dim, DEFAULT_PAGE_CAPACITY, DEFAULT_PAGES_PER_LEAF, DEFAULT_FANOUT);
  }

  public int leafCapacity() {
    return pageCapacity * pagesPerLeaf;
  }
}
