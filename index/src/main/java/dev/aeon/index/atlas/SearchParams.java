package dev.aeon.index.atlas;

/**
 * Per-query search parameters.
 *
 * @param nprobe leaves whose pages are scored (0 = the default, {@value #DEFAULT_NPROBE}); at least as many as
 *     the index has: every leaf, whatever the tree's shape, unless {@code beamWidth} is set
 * @param beamWidth inner nodes kept per level of the descent (0 = automatic: {@code max(4, nprobe / 2)}: inner nodes
 *     are cheap to score next to the leaves they lead to, and a narrow beam misses good leaves under second-best nodes)
 * @param rerankDepth INT8 candidates re-ranked exactly with the FP32 originals (0 = automatic:
 *     {@code max(3 * k, }{@value #DEFAULT_RERANK}{@code )}: each re-ranked candidate is a random read
 *     of the FP32 sidecar, and on 384-dim sentence embeddings the INT8 order is good enough that
 *     depths 20, 32 and 64 give the same recall@10; with the automatic sketch pass, its depth). A stored
 *     vector searched with itself is never lost at these depths on such embeddings ({@code ./aeon bench self}: its
 *     own sketch and codes score it above any distinct text's); ignored when {@code rerank} is false
 * @param sketchDepth candidates the one-bit sketch pass keeps (0 = automatic: {@code max(}{@value
 *     #DEFAULT_SKETCH}{@code , 8 * k)}, all of them re-ranked with FP32 unless {@code rerankDepth} says
 *     otherwise, and only on an index whose own check finds the sketches good enough, see {@code
 *     AtlasIndex#sketchesUsed}; otherwise every entry is scored with INT8). A depth larger than the
 *     re-rank depth scores the sketch candidates with INT8 first; one no larger skips INT8.
 *     {@value #NO_SKETCH} scores every entry of the leaves with INT8
 * @param rerank whether to re-rank with FP32; without it scores are the INT8 approximations
 * @param targetRecall if positive, nprobe is chosen by the index's calibration for this recall@10
 *     (the other fields then only override when non-zero)
 * @param routingPool with the sketch pass on, how many times {@code nprobe} leaves a wide level of the descent scores
 *     with their centroids' INT8 codes, of the best estimates from the centroids' sketches (0 = the default,
 *     {@value #DEFAULT_ROUTING_POOL}); ignored on the INT8 path, which scores every row with codes. A wider pool buys
 *     nothing measurable: on 116,659 MiniLM glosses at nprobe 48, pools of 3 and 4 gave the same recall@10 (0.9456)
 *     for 4% and 8% fewer searches a second, and of all 117,659 glosses stored found 7-9 more of the 157 whose own
 *     search missed them, where an nprobe of 56 found 42 more and added 0.008 of recall@10 for 7% ({@code ./aeon
 *     bench ann --routing}, {@code ./aeon bench self --settings}; docs/benchmarks.md). Raise nprobe instead
 */
public record SearchParams(int nprobe, int beamWidth, int rerankDepth, int sketchDepth, boolean rerank,
    double targetRecall, int routingPool) {

  public static final int DEFAULT_NPROBE = 48;
  public static final int DEFAULT_RERANK = 32;
  public static final int DEFAULT_SKETCH = 96;
  public static final int NO_SKETCH = -1;
  public static final int DEFAULT_ROUTING_POOL = 2;

  public SearchParams {
    if (nprobe < 0 || beamWidth < 0 || rerankDepth < 0) {
      throw new IllegalArgumentException((nprobe < 0 ? "nprobe" : beamWidth < 0 ? "beamWidth" : "rerankDepth")
          + " must not be negative (0: the default): nprobe " + nprobe + ", beamWidth " + beamWidth + ", rerankDepth "
          + rerankDepth);
    }
    if (routingPool < 0) {
      throw new IllegalArgumentException("routingPool must not be negative (0: the default, " + DEFAULT_ROUTING_POOL
          + "): " + routingPool);
    }
    if (sketchDepth < NO_SKETCH) {
      throw new IllegalArgumentException("sketchDepth must be positive, 0 (automatic) or " + NO_SKETCH + " (off): "
          + sketchDepth);
    }
    if (!(targetRecall >= 0 && targetRecall <= 1)) {
      throw new IllegalArgumentException("targetRecall must be in [0, 1]: " + targetRecall);
    }
  }

  /** Parameters with the default routing pool. */
  public SearchParams(int nprobe, int beamWidth, int rerankDepth, int sketchDepth, boolean rerank,
      double targetRecall) {
    this(nprobe, beamWidth, rerankDepth, sketchDepth, rerank, targetRecall, 0);
  }

  private static final SearchParams DEFAULTS = new SearchParams(0, 0, 0, 0, true, 0);

  public static SearchParams defaults() {
    return DEFAULTS;
  }

  /** Scores the {@code nprobe} best leaves, re-ranks exactly. */
  public static SearchParams nprobe(int nprobe) {
    return new SearchParams(nprobe, 0, 0, 0, true, 0);
  }

  /**
   * The Aeon paper's traversal: beam 1 (greedy descent), one leaf, INT8 scores of all its entries, no
   * re-ranking.
   */
  public static SearchParams greedy() {
    return new SearchParams(1, 1, 0, NO_SKETCH, false, 0);
  }

  /** Lets the index pick nprobe from its calibration so that recall@10 reaches {@code recall}. */
  public static SearchParams targetRecall(double recall) {
    return new SearchParams(0, 0, 0, 0, true, recall);
  }

  public SearchParams withNprobe(int n) {
    return new SearchParams(n, beamWidth, rerankDepth, sketchDepth, rerank, targetRecall, routingPool);
  }

  public SearchParams withBeamWidth(int b) {
    return new SearchParams(nprobe, b, rerankDepth, sketchDepth, rerank, targetRecall, routingPool);
  }

  public SearchParams withRerankDepth(int d) {
    return new SearchParams(nprobe, beamWidth, d, sketchDepth, rerank, targetRecall, routingPool);
  }

  public SearchParams withSketchDepth(int d) {
    return new SearchParams(nprobe, beamWidth, rerankDepth, d, rerank, targetRecall, routingPool);
  }

  public SearchParams withRoutingPool(int pool) {
    return new SearchParams(nprobe, beamWidth, rerankDepth, sketchDepth, rerank, targetRecall, pool);
  }

  int effectiveNprobe() {
    return nprobe > 0 ? nprobe : DEFAULT_NPROBE;
  }

  /** How many times nprobe leaves a wide level scores with codes, of its best sketch estimates. */
  int effectiveRoutingPool() {
    return routingPool > 0 ? routingPool : DEFAULT_ROUTING_POOL;
  }

  int effectiveBeam(int probes) {
    return beamWidth > 0 ? beamWidth : Math.max(4, probes / 2);
  }

  /** How many INT8 candidates a search for {@code k} results re-ranks with these parameters. */
  public int effectiveRerankDepth(int k) {
    int automatic = sketchDepth == 0 ? effectiveSketchDepth(k) : Math.max(times(3, k), DEFAULT_RERANK);
    return Math.max(k, rerankDepth > 0 ? rerankDepth : automatic);
  }

  /** How many candidates the sketch pass keeps for a search for {@code k} results; 0 when it is off. */
  public int effectiveSketchDepth(int k) {
    if (sketchDepth == NO_SKETCH) {
      return 0;
    }
    return Math.max(k, sketchDepth > 0 ? sketchDepth : Math.max(DEFAULT_SKETCH, times(8, k)));
  }

  /** {@code factor * k}, or Integer.MAX_VALUE where that overflows (a k of a billion asks for everything). */
  private static int times(int factor, int k) {
    return (int) Math.min(Integer.MAX_VALUE, (long) factor * k);
  }

  /**
   * These parameters with the depths a search for {@code k} results would use, fixed: for a search that
   * asks for more results at the cost of {@code k}. Apply it to parameters an index has resolved
   * ({@code AtlasIndex#resolve}), whose automatic sketch depth is already on or off.
   */
  public SearchParams withDepthsFor(int k) {
    int sketch = effectiveSketchDepth(k);
    return withRerankDepth(effectiveRerankDepth(k)).withSketchDepth(sketch > 0 ? sketch : NO_SKETCH);
  }

  @Override
  public String toString() {
    if (targetRecall > 0) {
      return "targetRecall=" + targetRecall;
    }
    return "nprobe=" + effectiveNprobe() + ",beam=" + effectiveBeam(effectiveNprobe())
        + (sketchDepth == NO_SKETCH ? ",no-sketch" : sketchDepth > 0 ? ",sketch=" + sketchDepth : "")
        + (rerank ? ",rerank=" + (rerankDepth > 0 ? rerankDepth : "auto") : ",no-rerank")
        + (routingPool > 0 ? ",pool=" + routingPool : "");
  }
}
