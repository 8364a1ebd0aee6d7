package dev.aeon.index.atlas;

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
  /** How many times {@code nprobe} leaves a wide level scores with codes, of its best sketch estimates. */
  static final int ROUTING_POOL = 2;

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
    List<Leaf> leaves = new ArrayList<>();
    IntArrayList missing = new IntArrayList();
    float[] q = prepared.unitVector();
    Int8Query query = prepared.int8();
    int sketchDepth = params.effectiveSketchDepth(k);
    SketchQuery sketchQuery = sketchDepth > 0 ? SketchQuery.of(q, st.sketchCenter) : null;
    if (descend) {
      leaves.addAll(descend(q, query, sketchQuery, nprobe, beam));
    }
    if (extraLeaves != null) {
      for (int id : extraLeaves) {
        Leaf l = rt.leaf(id);
        if (l == null) {
          missing.addInt(id);
        } else {
          leaves.add(l);
        }
      }
    }
    leaves = distinct(leaves);
    boolean rerank = params.rerank();
    TopK candidates = new TopK(rerank ? params.effectiveRerankDepth(k) : k);
    int touched = 0;
    for (Leaf l : sketchDepth > 0 ? leaves : List.<Leaf>of()) {
      for (int page : l.pages()) {
        touched = Prefetch.lines(st.pages.sketchSegment(page), st.pages.sketchBase(page),
            st.layout.sketches.blockBytes(), touched);
      }
    }
    Prefetch.done(touched);
    int[] leafIds = new int[leaves.size()];
    long[] versions = new long[leaves.size()];
    PageScratch scratch = new PageScratch(st.config);
    TopK sketched = sketchDepth > 0 ? new TopK(sketchDepth) : null;
    for (int i = 0; i < leaves.size(); i++) {
      Leaf l = leaves.get(i);
      leafIds[i] = l.id;
      versions[i] = l.version();
      if (sketched != null) {
        sketchLeaf(l, sketchQuery, sketched, scratch, filter);
      } else {
        scoreLeaf(l, query, candidates, scratch, filter);
      }
    }
    if (sketched != null) {
      // Candidates the FP32 re-rank can take all of need no INT8 scores first.
      boolean int8 = !rerank || sketchDepth > params.effectiveRerankDepth(k);
      scoreSketched(sketched, int8 ? query : null, candidates, scratch);
    }
    TopK best = rerank ? rerank(q, candidates, k) : candidates;
    return finish(best, rerank ? 1f : prepared.scale(), leafIds, versions, missing.toIntArray(), false);
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
    return finish(best, 1f, new int[0], new long[0], new int[0], true);
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
    return finish(best, 1f, new int[0], new long[0], new int[0], true);
  }

  /** The descent by codes alone (an insert's, to the nearest leaves). */
  List<Leaf> descend(Int8Query query, int nprobe, int beam) {
    return descend(null, query, null, nprobe, beam);
  }

  /**
   * Level-by-level beam descent: keeps the {@code beam} best inner nodes per level, and the best leaves.
   * Each node's centroid codes are scored against the query's INT8 codes in one kernel call; with a
   * sketch query (the sketch pass is on) a wide level of leaves is first estimated from the rows'
   * sketches, and only the best {@value #ROUTING_POOL} x {@code nprobe} estimates are scored with codes.
   */
  List<Leaf> descend(float[] q, Int8Query query, SketchQuery sketch, int nprobe, int beam) {
    TopK leafTop = new TopK(nprobe);
    float[] estimates = new float[0]; // grown to the widest node estimated
    List<Leaf> leafRefs = new ArrayList<>();
    List<Node> frontier = List.of(rt.root());
    int[] dots = new int[st.config.fanout() + 1];
    while (!frontier.isEmpty()) {
      TopK nodeTop = new TopK(beam);
      List<Node> nodeRefs = new ArrayList<>();
      // Each node's children are read once: a writer may replace a list meanwhile, and rows index this one.
      Node.Children[] level = new Node.Children[frontier.size()];
      int leafRows = 0;
      for (int f = 0; f < level.length; f++) {
        level[f] = frontier.get(f).children();
        leafRows += level[f].leavesOnly() ? level[f].kids().length : 0;
      }
      long poolSize = (long) ROUTING_POOL * nprobe; // long: an nprobe of Integer.MAX_VALUE means every leaf
      boolean estimate = sketch != null && dim >= MIN_SKETCH_ROUTING_DIM && leafRows > poolSize;
      TopK pool = estimate ? new TopK((int) poolSize) : null;
      for (int f = 0; f < level.length; f++) {
        Node.Children c = level[f];
        Object[] kids = c.kids();
        CentroidCodes codes = c.codes();
        if (dots.length < codes.rows()) {
          dots = new int[codes.rows()];
        }
        if (estimate && c.leavesOnly()) {
          if (estimates.length < codes.sketchStride()) {
            estimates = new float[codes.sketchStride()];
          }
          estimateRows(q, sketch, codes, f, pool, estimates);
          continue;
        }
        kernels.bulkDotI8(query, codes.segment(), 0, codes.rows(), dots);
        if (c.leavesOnly()) {
          // The wide level: most rows beat no floor, and only those that do are looked at (their Leaf
          // objects are scattered in the heap, a cache miss each).
          float floor = leafTop.floor();
          for (int i = 0; i < kids.length; i++) {
            float s = dots[i] * codes.scale(i);
            if (s > floor) {
              leafRefs.add((Leaf) kids[i]);
              leafTop.offer(s, leafRefs.size() - 1);
              floor = leafTop.floor();
            }
          }
          continue;
        }
        for (int i = 0; i < kids.length; i++) {
          float s = dots[i] * codes.scale(i);
          if (kids[i] instanceof Leaf l) {
            if (leafTop.accepts(s)) {
              leafRefs.add(l);
              leafTop.offer(s, leafRefs.size() - 1);
            }
          } else if (nodeTop.accepts(s)) {
            nodeRefs.add((Node) kids[i]);
            nodeTop.offer(s, nodeRefs.size() - 1);
          }
        }
      }
      if (pool != null) {
        scorePool(query, pool, level, leafTop, leafRefs);
      }
      frontier = drainNodes(nodeTop, nodeRefs);
    }
    float[] scores = new float[leafTop.size()];
    long[] refs = new long[leafTop.size()];
    int n = leafTop.drainDescending(scores, refs);
    List<Leaf> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(leafRefs.get((int) refs[i]));
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

  /** Scores the pooled rows with their codes and offers those leaves to the best leaves. */
  private void scorePool(Int8Query query, TopK pool, Node.Children[] level, TopK leafTop, List<Leaf> leafRefs) {
    int n = pool.size();
    float[] estimates = new float[n];
    long[] rows = new long[n];
    pool.drainDescending(estimates, rows);
    for (int r = 0; r < n; r++) {
      Node.Children c = level[(int) (rows[r] >>> 32)];
      int i = (int) rows[r];
      CentroidCodes codes = c.codes();
      float s = kernels.dotI8(query.codeSegment(), 0, codes.segment(), (long) i * dim, dim) * codes.scale(i);
      if (leafTop.accepts(s)) {
        leafRefs.add((Leaf) c.kids()[i]);
        leafTop.offer(s, leafRefs.size() - 1);
      }
    }
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
    int n = sketched.size();
    float[] estimates = new float[n];
    long[] entries = new long[n];
    sketched.drainDescending(estimates, entries);
    int[] dot = scratch.dots;
    int touched = 0;
    for (int e = 0; e < n; e++) {
      int page = (int) (entries[e] >>> ENTRY_BITS), i = (int) (entries[e] & ENTRY_MASK);
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
      int page = (int) (entries[e] >>> ENTRY_BITS), i = (int) (entries[e] & ENTRY_MASK);
      float score = estimates[e];
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

  private TopK rerank(float[] q, TopK candidates, int k) {
    int n = candidates.size();
    float[] approx = new float[n];
    long[] payloads = new long[n];
    candidates.drainDescending(approx, payloads);
    TopK best = new TopK(k);
    MemorySegment qs = MemorySegment.ofArray(q);
    int touched = 0;
    for (int i = 0; i < n; i++) {
      int slot = (int) payloads[i];
      touched = Prefetch.lines(st.vectors.segment(slot), st.vectors.floatsOffset(slot), (long) dim * Float.BYTES, touched);
    }
    Prefetch.done(touched);
    for (int i = 0; i < n; i++) {
      int slot = (int) payloads[i];
      best.offer(kernels.dotF32(qs, 0, st.vectors.segment(slot), st.vectors.floatsOffset(slot), dim), payloads[i]);
    }
    return best;
  }

  private SearchResult finish(TopK best, float scoreScale, int[] leafIds, long[] versions, int[] missing, boolean exact) {
    int n = best.size();
    float[] scores = new float[n];
    long[] payloads = new long[n];
    best.drainDescending(scores, payloads);
    long[] ids = new long[n];
    float[] out = new float[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      // A delete that returned while this search ran must not show up in its answer.
      if (!st.tombstones.get((int) payloads[i])) {
        ids[m] = payloads[i] >>> 32;
        // A cosine: rounding (FP32 sums, INT8 scales) can take it a hair past 1, as 1.0000001 for itself.
        out[m++] = Math.max(-1f, Math.min(1f, scores[i] * scoreScale));
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

  private static List<Node> drainNodes(TopK top, List<Node> refs) {
    float[] scores = new float[top.size()];
    long[] idx = new long[top.size()];
    int n = top.drainDescending(scores, idx);
    List<Node> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Node node = refs.get((int) idx[i]);
      if (!out.contains(node)) {
        out.add(node);
      }
    }
    return out;
  }

  private static List<Leaf> distinct(List<Leaf> leaves) {
    IntHashSet seen = new IntHashSet();
    List<Leaf> out = new ArrayList<>(leaves.size());
    for (Leaf l : leaves) {
      if (seen.add(l.id)) {
        out.add(l);
      }
    }
    return out;
  }

  static long pack(long id, int slot) {
    return (id << 32) | Integer.toUnsignedLong(slot);
  }
}
