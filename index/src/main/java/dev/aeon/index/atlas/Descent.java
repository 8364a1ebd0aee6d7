package dev.aeon.index.atlas;

import dev.aeon.index.kernel.Int8Query;
import dev.aeon.index.kernel.SketchBlocks;
import dev.aeon.index.kernel.SketchQuery;
import dev.aeon.index.kernel.VectorKernels;
import java.util.ArrayList;
import java.util.List;

/**
 * The routing tree's beam descent: level by level, keeps the {@code beam} best inner nodes and, over all
 * levels, the {@code nprobe} best leaves, by the INT8 scores of their centroid rows.
 *
 * <p>Without a sketch query every child of the level's nodes is scored with its codes, one kernel call
 * per node. With one, a level with more children than it keeps is first estimated from the centroids'
 * one-bit sketches, and only the {@value #POOL} x {@code nprobe} (or {@code beam}) best estimates are
 * scored with codes: a wide beam over flat leaves scores most of the leaves' centroids, and their sketches
 * are an eighth of the codes' bytes. On MiniLM (1,622 leaves under 46 nodes, nprobe 64, beam 32) that
 * cut the descent from about 43 to 37 µs of a 190 µs search; estimates alone (no codes) had cost 0.01
 * of recall@10.
 */
final class Descent {

  /**
   * Fewest dimensions for routing by sketches: a sketch has a bit per dimension, and with fewer the
   * estimates are too coarse to rank centroids (on clustered test data, 24 dims cost 0.17 of recall@10,
   * 48 dims 0.005, 96 and more nothing; see {@code AtlasIndexTest}).
   */
  static final int MIN_DIM = 64;
  /** How many times what a level keeps it scores with codes, of its best sketch estimates. */
  static final int POOL = 2;
  /** Histogram buckets for {@link #atLeastTop}. */
  private static final int BUCKETS = 256;

  private final Routing rt;
  private final VectorKernels kernels;
  private final int dim;
  private final int fanout;

  Descent(Routing rt, VectorKernels kernels, AtlasConfig config) {
    this.rt = rt;
    this.kernels = kernels;
    this.dim = config.dim();
    this.fanout = config.fanout();
  }

  /** The best leaves for {@code query}, best first; {@code sketch} may be null (codes only). */
  List<Leaf> leaves(Int8Query query, SketchQuery sketch, int nprobe, int beam) {
    Route route = new Route(nprobe);
    List<Node> frontier = List.of(rt.root());
    while (!frontier.isEmpty()) {
      route.nextLevel(beam);
      // Each node's children read once: a writer may replace a list meanwhile, and rows index this one.
      Node.Children[] level = new Node.Children[frontier.size()];
      int children = 0;
      for (int f = 0; f < level.length; f++) {
        level[f] = frontier.get(f).children();
        children += level[f].kids().length;
      }
      if (sketch != null && dim >= MIN_DIM && children > POOL * (nprobe + beam)) {
        bySketches(level, children, query, sketch, route, nprobe, beam);
      } else {
        byCodes(level, query, route);
      }
      frontier = route.nodes();
    }
    return route.leaves();
  }

  private void byCodes(Node.Children[] level, Int8Query query, Route route) {
    int[] dots = new int[fanout + 1];
    for (Node.Children c : level) {
      CentroidCodes codes = c.codes();
      if (dots.length < codes.rows()) {
        dots = new int[codes.rows()];
      }
      kernels.bulkDotI8(query, codes.segment(), 0, codes.rows(), dots);
      for (int i = 0; i < codes.rows(); i++) {
        route.offer(c.kids()[i], dots[i] * codes.scale(i));
      }
    }
  }

  private void bySketches(Node.Children[] level, int children, Int8Query query, SketchQuery sketch, Route route,
      int nprobe, int beam) {
    Pool leaves = new Pool(children), nodes = new Pool(children);
    float[] estimates = new float[CentroidCodes.paddedRows(fanout + 1)];
    for (int f = 0; f < level.length; f++) {
      CentroidCodes codes = level[f].codes();
      SketchBlocks layout = codes.sketchLayout();
      if (estimates.length < layout.stride()) {
        estimates = new float[layout.stride()];
      }
      kernels.sketchScores(sketch, codes.sketches(), 0, layout, layout.stride(), estimates);
      Object[] kids = level[f].kids();
      for (int i = 0; i < kids.length; i++) {
        (kids[i] instanceof Leaf ? leaves : nodes).add(estimates[i], f, i);
      }
    }
    leaves.scoreBest(POOL * nprobe, level, query, route);
    nodes.scoreBest(POOL * beam, level, query, route);
  }

  /**
   * A threshold that at least {@code top} of {@code values[0..n)} reach, and not many more: the lower
   * edge of the histogram bucket (of {@value #BUCKETS} over the values' range) where the count from the
   * top reaches {@code top}. One pass to count, where a heap of the best would sift on every offer.
   */
  static float atLeastTop(float[] values, int n, int top) {
    float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      min = Math.min(min, values[i]);
      max = Math.max(max, values[i]);
    }
    if (n <= top || !(max > min)) {
      return min;
    }
    float scale = BUCKETS / (max - min);
    int[] counts = new int[BUCKETS + 1];
    for (int i = 0; i < n; i++) {
      counts[(int) ((values[i] - min) * scale)]++;
    }
    int b = BUCKETS;
    for (int sum = counts[b]; sum < top; sum += counts[b]) {
      b--;
    }
    // The least value counted from bucket b up (an edge computed back from b could round above it).
    float threshold = max;
    for (int i = 0; i < n; i++) {
      if ((int) ((values[i] - min) * scale) >= b) {
        threshold = Math.min(threshold, values[i]);
      }
    }
    return threshold;
  }

  /** A level's children of one kind (leaves or nodes) with their sketch estimates. */
  private final class Pool {
    private final float[] estimates;
    private final long[] rows; // index in the level << 32 | child index
    private int n;

    Pool(int capacity) {
      estimates = new float[capacity];
      rows = new long[capacity];
    }

    void add(float estimate, int node, int child) {
      estimates[n] = estimate;
      rows[n++] = (long) node << 32 | child;
    }

    /** Scores the best {@code keep} (or a few more) estimated children with codes and offers them. */
    void scoreBest(int keep, Node.Children[] level, Int8Query query, Route route) {
      float threshold = atLeastTop(estimates, n, keep);
      int kept = 0, touched = 0;
      for (int r = 0; r < n; r++) {
        if (estimates[r] >= threshold) {
          rows[kept++] = rows[r];
          touched = level[(int) (rows[r] >>> 32)].codes().touch((int) rows[r], touched);
        }
      }
      Prefetch.done(touched);
      int[] dot = new int[1];
      for (int r = 0; r < kept; r++) {
        Node.Children c = level[(int) (rows[r] >>> 32)];
        int i = (int) rows[r];
        kernels.bulkDotI8(query, c.codes().segment(), (long) i * dim, 1, dot);
        route.offer(c.kids()[i], dot[0] * c.codes().scale(i));
      }
    }
  }

  /** The descent's state: the best leaves so far, and the best nodes of the level being scored. */
  private static final class Route {
    private final TopK leafTop;
    private final List<Leaf> leafRefs = new ArrayList<>();
    private TopK nodeTop;
    private List<Node> nodeRefs;

    Route(int nprobe) {
      leafTop = new TopK(nprobe);
    }

    void nextLevel(int beam) {
      nodeTop = new TopK(beam);
      nodeRefs = new ArrayList<>();
    }

    void offer(Object kid, float score) {
      if (kid instanceof Leaf l) {
        if (leafTop.accepts(score)) {
          leafRefs.add(l);
          leafTop.offer(score, leafRefs.size() - 1);
        }
      } else if (nodeTop.accepts(score)) {
        nodeRefs.add((Node) kid);
        nodeTop.offer(score, nodeRefs.size() - 1);
      }
    }

    /** The level's best nodes, best first, each once (a node split briefly makes one reachable twice). */
    List<Node> nodes() {
      float[] scores = new float[nodeTop.size()];
      long[] refs = new long[nodeTop.size()];
      int n = nodeTop.drainDescending(scores, refs);
      List<Node> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        Node node = nodeRefs.get((int) refs[i]);
        if (!out.contains(node)) {
          out.add(node);
        }
      }
      return out;
    }

    /** The best leaves, best first. */
    List<Leaf> leaves() {
      float[] scores = new float[leafTop.size()];
      long[] refs = new long[leafTop.size()];
      int n = leafTop.drainDescending(scores, refs);
      List<Leaf> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(leafRefs.get((int) refs[i]));
      }
      return out;
    }
  }
}
