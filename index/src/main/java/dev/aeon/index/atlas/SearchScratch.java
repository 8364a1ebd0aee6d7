package dev.aeon.index.atlas;

/**
 * A thread's buffers for its searches, kept from one search to the next: the list of candidates each stage of
 * a search keeps ({@link TopK}), the page buffers ({@link PageScratch}) and the descent's row scores. Made anew for
 * every search, they were close to half of what a recall allocated (about 9 KB at the default depths), and a reader
 * recalling under load fed the collector that much per recall.
 *
 * <p>Nothing of one search reaches the next: a list is handed out {@link TopK#reset reset} to what a new one
 * would be, buffer size included, and page buffers are made anew for an index of another shape
 * (SearchScratchTest.aThreadsSearchesDoNotSeeItsEarlierOnes). A search that starts while its thread's buffers are
 * taken (one run from inside another) gets buffers of its own; lists grown past their starting size (a search for
 * a very large k) are not kept, so a thread holds a few kilobytes between searches.
 */
final class SearchScratch {

  /** The lists of a search, one per stage. */
  enum Stage {
    /** The best leaves of the descent ({@code nprobe}). */
    LEAVES,
    /** The inner nodes a level of the descent keeps ({@code beam}). */
    NODES,
    /** The leaves a wide level's sketches estimate best, scored with codes next. */
    POOL,
    /** The entries the sketch pass keeps. */
    SKETCHED,
    /** The entries scored with INT8 codes, re-ranked next. */
    CANDIDATES,
    /** The re-ranked answer. */
    BEST
  }

  private static final ThreadLocal<SearchScratch> OF_THREAD = ThreadLocal.withInitial(SearchScratch::new);

  private final TopK[] lists = new TopK[Stage.values().length];
  private PageScratch pages;
  private int[] rowDots = new int[0];
  private float[] rowEstimates = new float[0];
  private boolean taken;

  private SearchScratch() {}

  /** The calling thread's buffers, or new ones if a search of this thread holds them; {@link #release} them. */
  static SearchScratch take() {
    SearchScratch s = OF_THREAD.get();
    if (s.taken) {
      return new SearchScratch();
    }
    s.taken = true;
    return s;
  }

  /** Gives the buffers back to the thread, less any list grown past the size it starts with. */
  void release() {
    for (int i = 0; i < lists.length; i++) {
      if (lists[i] != null && lists[i].bufferSize() > TopK.MAX_INITIAL) {
        lists[i] = null;
      }
    }
    taken = false;
  }

  /** The list of {@code stage}, as a new {@code TopK(k)} would be. */
  TopK list(Stage stage, int k) {
    TopK t = lists[stage.ordinal()];
    if (t == null) {
      t = new TopK(k);
      lists[stage.ordinal()] = t;
      return t;
    }
    return t.reset(k);
  }

  /** Room for the kernel's scores of {@code rows} centroid rows (a node of the descent). */
  int[] rowDots(int rows) {
    if (rowDots.length < rows) {
      rowDots = new int[rows];
    }
    return rowDots;
  }

  /** Room for the sketch estimates of {@code rows} centroid rows. */
  float[] rowEstimates(int rows) {
    if (rowEstimates.length < rows) {
      rowEstimates = new float[rows];
    }
    return rowEstimates;
  }

  /** Page buffers for an index of {@code config}. */
  PageScratch pages(AtlasConfig config) {
    if (pages == null || !pages.fits(config)) {
      pages = new PageScratch(config);
    }
    return pages;
  }
}
