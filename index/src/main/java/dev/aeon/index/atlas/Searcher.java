package dev.aeon.index.atlas;

import dev.aeon.index.atlas.SearchScratch.Stage;
import dev.aeon.index.kernel.Int8Query;
import dev.aeon.index.kernel.SketchQuery;
import dev.aeon.index.kernel.VectorKernels;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.IntHashSet;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * The read path: beam descent of the routing tree to the best leaves, a pass over their pages' one-bit
 * sketches that keeps the most promising entries, INT8 scoring of those (or of every entry, with the sketch
 * pass off), FP32 re-ranking of the best candidates, and the exact scan that very selective filters take.
 * Never locks; callers hold the {@link dev.aeon.index.atlas.sync.ReaderGate} for the whole search.
 */
final class Searcher {

  /** An entry's place in a payload: page number above, index in the page below (capacity is at most 4096). */
  private static final int ENTRY_BITS = 16;
  private static final long ENTRY_MASK = (1L << ENTRY_BITS) - 1;
  /**
   * Fewest dimensions for routing by sketches: a sketch has a bit per dimension, and with fewer the
   * estimates are too coarse to rank centroids (the reverted first version of this routing, 0826ff4,
   * measured on clustered test data: 24 dims cost 0.17 of recall@10, 48 dims 0.005, 96 and more nothing).
   */
  static final int MIN_SKETCH_ROUTING_DIM = 64;
  /** What a result lists when it scored no leaves, or none was missing: empty, so one array serves all. */
  private static final int[] NO_LEAVES = new int[0];
  private static final long[] NO_VERSIONS = new long[0];
  /** Up to this many leaves, {@link #distinct} compares every pair (at most about 8,000 int compares). */
  private static final int PAIRWISE_DISTINCT = 128;

  private final Storage st;
  private final Routing rt;
  private final VectorKernels kernels;
  private final int dim;

  Searcher(Storage st, Routing rt, VectorKernels kernels) {
    this.st = st;
    this.rt = rt;
    this.kernels = kernels;
    this.dim = st.config.dim();
  }

  /**
   * Searches the prepared query. {@code extraLeaves} (may be null) are scored in addition to the
   * descent's leaves, or instead of them when {@code descend} is false. Of {@code params}, the sketch and
   * re-rank settings apply.
   */
  SearchResult search(PreparedQuery prepared, int k, int nprobe, int beam, SearchParams params,
      RoaringBitmap filter, int[] extraLeaves, boolean descend) {
    SearchScratch scratch = SearchScratch.take();
    try {
      return search(prepared, k, nprobe, beam, params, filter, extraLeaves, descend, scratch);
    } finally {
      scratch.release();
    }
  }

  private SearchResult search(PreparedQuery prepared, int k, int nprobe, int beam, SearchParams params,
      RoaringBitmap filter, int[] extraLeaves, boolean descend, SearchScratch scratch) {
    float[] q = prepared.unitVector();
    Int8Query query = prepared.int8();
    int sketchDepth = params.effectiveSketchDepth(k);
    SketchQuery sketchQuery = sketchDepth > 0 ? SketchQuery.of(q, st.sketchCenter) : null;
    List<Leaf> leaves = descend ? descend(q, query, sketchQuery, nprobe, beam, params.effectiveRoutingPool(), scratch)
        : new ArrayList<>();
    int[] missing = NO_LEAVES;
    if (extraLeaves != null) {
      IntArrayList absent = new IntArrayList();
      for (int id : extraLeaves) {
        Leaf l = rt.leaf(id);
        if (l == null) {
          absent.addInt(id);
        } else {
          leaves.add(l);
        }
      }
      missing = absent.toIntArray();
    }
    leaves = distinct(leaves);
    boolean rerank = params.rerank();
    TopK candidates = scratch.list(Stage.CANDIDATES, rerank ? params.effectiveRerankDepth(k) : k);
    int touched = 0;
    for (int i = 0; sketchDepth > 0 && i < leaves.size(); i++) {
      for (int page : leaves.get(i).pages()) {
        touched = Prefetch.lines(st.pages.sketchSegment(page), st.pages.sketchBase(page),
            st.layout.sketches.blockBytes(), touched);
      }
    }
    Prefetch.done(touched);
    int[] leafIds = new int[leaves.size()];
    long[] versions = new long[leaves.size()];
    PageScratch pages = scratch.pages(st.config);
    TopK sketched = sketchDepth > 0 ? scratch.list(Stage.SKETCHED, sketchDepth) : null;
    for (int i = 0; i < leaves.size(); i++) {
      Leaf l = leaves.get(i);
      leafIds[i] = l.id;
      versions[i] = l.version();
      if (sketched != null) {
        sketchLeaf(l, sketchQuery, sketched, pages, filter);
      } else {
        scoreLeaf(l, query, candidates, pages, filter);
      }
    }
    if (sketched != null) {
      // Candidates the FP32 re-rank can take all of need no INT8 scores first.
      boolean int8 = !rerank || sketchDepth > params.effectiveRerankDepth(k);
      scoreSketched(sketched, int8 ? query : null, candidates, pages);
    }
    TopK best = rerank ? rerank(q, candidates, scratch.list(Stage.BEST, k)) : candidates;
    return finish(best, rerank ? 1f : prepared.scale(), leafIds, versions, missing, false);
  }

  /** Exact search over the allowed ids only (for filters smaller than what a descent would score). */
  SearchResult exactScan(PreparedQuery q, int k, RoaringBitmap allowed) {
    TopK best = new TopK(k);
    MemorySegment qs = MemorySegment.ofArray(q.unitVector());
    for (IntIterator it = allowed.getIntIterator(); it.hasNext(); ) {
      long id = Integer.toUnsignedLong(it.next());
      int slot = st.ids.get(id);
      if (slot >= 0 && !st.tombstones.get(slot)) {
        float s = kernels.dotF32(qs, 0, st.vectors.segment(slot), st.vectors.floatsOffset(slot), dim);
        best.offer(s, pack(id, slot));
      }
    }
    return finish(best, 1f, NO_LEAVES, NO_VERSIONS, NO_LEAVES, true);
  }

  /** Exact search over every live vector reachable from the root (ground truth, calibration). */
  SearchResult exhaustive(float[] q, int k) {
    TopK best = new TopK(k);
    MemorySegment qs = MemorySegment.ofArray(q);
    for (Leaf l : allLeaves()) {
      for (int page : l.pages()) {
        int n = st.pages.count(page);
        for (int i = 0; i < n; i++) {
          int slot = st.pages.slot(page, i);
          if (!st.tombstones.get(slot)) {
            float s = kernels.dotF32(qs, 0, st.vectors.segment(slot), st.vectors.floatsOffset(slot), dim);
            best.offer(s, pack(st.pages.id(page, i), slot));
          }
        }
      }
    }
    return finish(best, 1f, NO_LEAVES, NO_VERSIONS, NO_LEAVES, true);
  }

  /** The descent by codes alone (an insert's, to the nearest leaves). */
  List<Leaf> descend(Int8Query query, int nprobe, int beam) {
    SearchScratch scratch = SearchScratch.take();
    try {
      return descend(null, query, null, nprobe, beam, SearchParams.DEFAULT_ROUTING_POOL, scratch);
    } finally {
      scratch.release();
    }
  }

  /**
   * Level-by-level beam descent: keeps the {@code beam} best inner nodes per level, and the best leaves.
   * Each node's centroid codes are scored against the query's INT8 codes in one kernel call; with a
   * sketch query (the sketch pass is on) a wide level of leaves is first estimated from the rows'
   * sketches, and only the best {@code routingPool} x {@code nprobe} estimates are scored with codes
   * ({@link SearchParams#routingPool}).
   *
   * <p>A leaf's place in the best leaves is its row: the index of its node's children in {@code kidsSeen}
   * above, the row below. Looking the {@link Leaf} up only for the leaves kept spares a list that grew by
   * every row that beat the floor (most of a wide level's early rows), and a cache miss on each of those
   * rows' Leaf objects, which are scattered in the heap.
   */
  private List<Leaf> descend(float[] q, Int8Query query, SketchQuery sketch, int nprobe, int beam, int routingPool,
      SearchScratch scratch) {
    TopK leafTop = scratch.list(Stage.LEAVES, nprobe);
    TopK nodeTop = scratch.list(Stage.NODES, beam); // emptied by each level's drainNodes
    long poolSize = (long) routingPool * nprobe; // long: an nprobe of Integer.MAX_VALUE means every leaf
    TopK pool = null; // made for the first level estimated, emptied by scorePool
    List<Object[]> kidsSeen = new ArrayList<>();
    List<Node> frontier = List.of(rt.root());
    int[] dots = scratch.rowDots(st.config.fanout() + 1);
    while (!frontier.isEmpty()) {
      // Each node's children are read once: a writer may replace a list meanwhile, and rows index this one.
      Node.Children[] level = new Node.Children[frontier.size()];
      int base = kidsSeen.size(); // node f of this level is kidsSeen's base + f
      int leafRows = 0;
      for (int f = 0; f < level.length; f++) {
        level[f] = frontier.get(f).children();
        kidsSeen.add(level[f].kids());
        leafRows += level[f].leavesOnly() ? level[f].kids().length : 0;
      }
      boolean estimate = sketch != null && dim >= MIN_SKETCH_ROUTING_DIM && leafRows > poolSize;
      if (estimate && pool == null) {
        pool = scratch.list(Stage.POOL, (int) poolSize);
      }
      for (int f = 0; f < level.length; f++) {
        Node.Children c = level[f];
        Object[] kids = c.kids();
        CentroidCodes codes = c.codes();
        dots = scratch.rowDots(codes.rows());
        if (estimate && c.leavesOnly()) {
          estimateRows(q, sketch, codes, f, pool, scratch.rowEstimates(codes.sketchStride()));
          continue;
        }
        kernels.bulkDotI8(query, codes.segment(), 0, codes.rows(), dots);
        long node = (long) (base + f) << 32;
        if (c.leavesOnly()) {
          // The wide level: most rows beat no floor, and only those that do are looked at.
          float floor = leafTop.floor();
          for (int i = 0; i < kids.length; i++) {
            float s = dots[i] * codes.scale(i);
            if (s > floor) {
              leafTop.offer(s, node | i);
              floor = leafTop.floor();
            }
          }
          continue;
        }
        // A node kept is named by its row, as a leaf is, and read once the level is done: reading each child to
        // learn its kind, or to keep a reference to it, cost a cache miss per row (JFR and perf of an insert).
        boolean nodesOnly = c.nodesOnly();
        for (int i = 0; i < kids.length; i++) {
          float s = dots[i] * codes.scale(i);
          if (!nodesOnly && kids[i] instanceof Leaf) {
            leafTop.offer(s, node | i);
          } else {
            nodeTop.offer(s, node | i);
          }
        }
      }
      if (estimate) {
        scorePool(query, pool, level, base, leafTop);
      }
      frontier = drainNodes(nodeTop, kidsSeen);
    }
    int n = leafTop.sortDescending();
    List<Leaf> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long row = leafTop.payload(i);
      out.add((Leaf) kidsSeen.get((int) (row >>> 32))[(int) row]);
    }
    return out;
  }

  /** Offers the sketch estimates of node {@code f}'s rows to {@code pool}, as (node, row) pairs. */
  private void estimateRows(float[] q, SketchQuery sketch, CentroidCodes codes, int f, TopK pool, float[] estimates) {
    codes.estimate(kernels, q, sketch, estimates);
    float floor = pool.floor();
    for (int i = 0; i < codes.rows(); i++) {
      if (estimates[i] > floor) {
        pool.offer(estimates[i], (long) f << 32 | i);
        floor = pool.floor();
      }
    }
  }

  /**
   * Scores the pooled rows with their codes, offers those leaves to the best leaves (node f of the level
   * as kidsSeen's {@code base + f}), and empties the pool.
   */
  private void scorePool(Int8Query query, TopK pool, Node.Children[] level, int base, TopK leafTop) {
    int n = pool.sortDescending();
    for (int r = 0; r < n; r++) {
      int f = (int) (pool.payload(r) >>> 32);
      int i = (int) pool.payload(r);
      CentroidCodes codes = level[f].codes();
      float s = kernels.dotI8(query.codeSegment(), 0, codes.segment(), (long) i * dim, dim) * codes.scale(i);
      leafTop.offer(s, (long) (base + f) << 32 | i);
    }
    pool.clear();
  }

  /**
   * Scores every entry of the leaf's pages and offers those that beat the current candidates. Most
   * entries cost one multiply and one compare against a floor held in a local; ids, slots, tombstones
   * and the filter are read only for entries that would enter the candidates.
   */
  private void scoreLeaf(Leaf l, Int8Query query, TopK candidates, PageScratch scratch, RoaringBitmap filter) {
    int[] dots = scratch.dots;
    float[] scales = scratch.scales;
    for (int page : l.pages()) {
      int n = st.pages.count(page);
      if (n == 0) {
        continue;
      }
      long codes = st.pages.base(page) + st.layout.offCodes;
      kernels.bulkDotI8(query, st.pages.segment(page), codes, n, dots);
      st.pages.scales(page, n, scales);
      float floor = candidates.floor();
      for (int i = 0; i < n; i++) {
        float s = dots[i] * scales[i];
        if (s <= floor) {
          continue;
        }
        int slot = st.pages.slot(page, i);
        long id = st.pages.id(page, i);
        if (st.tombstones.get(slot) || (filter != null && !filter.contains((int) id))) {
          continue;
        }
        candidates.offer(s, pack(id, slot));
        floor = candidates.floor();
      }
    }
  }

  /**
   * Estimates every entry of the leaf's pages from its sketch and offers those that beat the sketch
   * candidates' floor, as {@link #scoreLeaf} does with INT8 scores; the payload is the entry's place. A
   * run of consecutive pages (a bulk-built leaf is one) has adjacent sketch blocks and is scored in one
   * kernel call.
   */
  private void sketchLeaf(Leaf l, SketchQuery query, TopK sketched, PageScratch scratch, RoaringBitmap filter) {
    int[] pages = l.pages();
    float[] estimates = scratch.estimates;
    int cap = st.layout.capacity;
    // Checking an entry reads its slot or id from the page file, a cache miss per entry that beats the
    // floor; with no deletes and no filter there is nothing to check (a delete that lands meanwhile is
    // still dropped from the answer by finish).
    boolean check = filter != null || !st.tombstones.isEmpty();
    for (int start = 0, end; start < pages.length; start = end + 1) {
      end = start;
      int n = st.pages.count(pages[start]), total = n;
      while (n == cap && end + 1 < pages.length && pages[end + 1] == pages[end] + 1
          && total + cap <= estimates.length && st.pages.sketchesAdjacent(pages[end])) {
        n = st.pages.count(pages[++end]);
        total += n;
      }
      if (total == 0) {
        continue;
      }
      kernels.sketchScores(query, st.pages.sketchSegment(pages[start]), st.pages.sketchBase(pages[start]),
          st.layout.sketches, total, estimates);
      float floor = sketched.floor();
      for (int e = 0; e < total; e++) {
        if (estimates[e] <= floor) {
          continue;
        }
        int page = pages[start + e / cap], i = e % cap;
        if (check && (st.tombstones.get(st.pages.slot(page, i))
            || (filter != null && !filter.contains((int) st.pages.id(page, i))))) {
          continue;
        }
        sketched.offer(estimates[e], entry(page, i));
        floor = sketched.floor();
      }
    }
  }

  /**
   * Scores the sketch pass's entries with their INT8 codes and offers them to {@code candidates}; without
   * a query, offers them with their estimates (for a re-rank that takes them all).
   */
  private void scoreSketched(TopK sketched, Int8Query query, TopK candidates, PageScratch scratch) {
    int n = sketched.sortDescending();
    int[] dot = scratch.dots;
    int touched = 0;
    for (int e = 0; e < n; e++) {
      int page = (int) (sketched.payload(e) >>> ENTRY_BITS), i = (int) (sketched.payload(e) & ENTRY_MASK);
      MemorySegment s = st.pages.segment(page);
      long b = st.pages.base(page);
      touched = Prefetch.lines(s, b + st.layout.idOffset(i), 1, touched);
      if (query != null) {
        touched = Prefetch.lines(s, b + st.layout.codesOffset(i), dim, touched);
        touched = Prefetch.lines(s, b + st.layout.scaleOffset(i), 1, touched);
      }
    }
    Prefetch.done(touched);
    for (int e = 0; e < n; e++) {
      int page = (int) (sketched.payload(e) >>> ENTRY_BITS), i = (int) (sketched.payload(e) & ENTRY_MASK);
      float score = sketched.score(e);
      if (query != null) {
        kernels.bulkDotI8(query, st.pages.segment(page), st.pages.base(page) + st.layout.codesOffset(i), 1, dot);
        score = dot[0] * st.pages.scale(page, i);
      }
      candidates.offer(score, pack(st.pages.id(page, i), st.pages.slot(page, i)));
    }
  }

  private static long entry(int page, int i) {
    return (long) page << ENTRY_BITS | i;
  }

  /** Re-ranks the candidates by their FP32 vectors into {@code best}, and returns it. */
  private TopK rerank(float[] q, TopK candidates, TopK best) {
    int n = candidates.sortDescending();
    MemorySegment qs = MemorySegment.ofArray(q);
    int touched = 0;
    for (int i = 0; i < n; i++) {
      int slot = (int) candidates.payload(i);
      touched = Prefetch.lines(st.vectors.segment(slot), st.vectors.floatsOffset(slot), (long) dim * Float.BYTES,
          touched);
    }
    Prefetch.done(touched);
    for (int i = 0; i < n; i++) {
      int slot = (int) candidates.payload(i);
      best.offer(kernels.dotF32(qs, 0, st.vectors.segment(slot), st.vectors.floatsOffset(slot), dim),
          candidates.payload(i));
    }
    return best;
  }

  private SearchResult finish(TopK best, float scoreScale, int[] leafIds, long[] versions, int[] missing,
      boolean exact) {
    int n = best.sortDescending();
    long[] ids = new long[n];
    float[] out = new float[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      // A delete that returned while this search ran must not show up in its answer.
      if (!st.tombstones.get((int) best.payload(i))) {
        ids[m] = best.payload(i) >>> 32;
        // A cosine: rounding (FP32 sums, INT8 scales) can take it a hair past 1, as 1.0000001 for itself.
        out[m++] = Math.max(-1f, Math.min(1f, best.score(i) * scoreScale));
      }
    }
    if (m < n) {
      ids = java.util.Arrays.copyOf(ids, m);
      out = java.util.Arrays.copyOf(out, m);
    }
    return new SearchResult(ids, out, leafIds, versions, missing, exact);
  }

  /** Every leaf reachable from the root, once. */
  List<Leaf> allLeaves() {
    List<Leaf> out = new ArrayList<>();
    List<Node> stack = new ArrayList<>(List.of(rt.root()));
    while (!stack.isEmpty()) {
      for (Object kid : stack.removeLast().children().kids()) {
        if (kid instanceof Leaf l) {
          out.add(l);
        } else {
          stack.add((Node) kid);
        }
      }
    }
    return distinct(out);
  }

  /**
   * The nodes {@code top} kept (rows: the index of their parent's children in {@code kidsSeen} above, the row
   * below), best first, each once; empties {@code top}.
   */
  private static List<Node> drainNodes(TopK top, List<Object[]> kidsSeen) {
    int n = top.sortDescending();
    List<Node> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long row = top.payload(i);
      Node node = (Node) kidsSeen.get((int) (row >>> 32))[(int) row];
      if (!out.contains(node)) {
        out.add(node);
      }
    }
    top.clear();
    return out;
  }

  /**
   * {@code leaves} without repeats (a writer's restructuring may show a search one leaf under two nodes), in
   * their order. The lists of a search's nprobe are checked pair by pair, which allocates nothing; a repeat, or a
   * longer list (every leaf, say), takes the hash set.
   */
  private static List<Leaf> distinct(List<Leaf> leaves) {
    if (leaves.size() <= PAIRWISE_DISTINCT && !repeatsAnId(leaves)) {
      return leaves;
    }
    IntHashSet seen = new IntHashSet();
    List<Leaf> out = new ArrayList<>(leaves.size());
    for (Leaf l : leaves) {
      if (seen.add(l.id)) {
        out.add(l);
      }
    }
    return out;
  }

  private static boolean repeatsAnId(List<Leaf> leaves) {
    for (int i = 1; i < leaves.size(); i++) {
      int id = leaves.get(i).id;
      for (int j = 0; j < i; j++) {
        if (leaves.get(j).id == id) {
          return true;
        }
      }
    }
    return false;
  }

  static long pack(long id, int slot) {
    return (id << 32) | Integer.toUnsignedLong(slot);
  }
}
