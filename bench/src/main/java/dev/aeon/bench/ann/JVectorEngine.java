package dev.aeon.bench.ann;

import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.quantization.PQVectors;
import io.github.jbellis.jvector.quantization.ProductQuantization;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;

/**
 * JVector: a hierarchical Vamana graph (degree 32, beam 100, alpha 1.2) built with exact scores on
 * JVector's default thread pools (every core: one thread would take many minutes here; the build-time
 * target compares Atlas with Lucene, not with JVector), searched with product-quantized scores (dim/4 subspaces of 256
 * centroids) and exact FP32 re-ranking of the {@code rerankK} best candidates (the "overquery" knob).
 */
final class JVectorEngine implements AnnEngine {

  static final int DEGREE = 32;
  static final int BUILD_BEAM = 100;
  private static final VectorTypeSupport VTS = VectorizationProvider.getInstance().getVectorTypeSupport();
  private static final VectorSimilarityFunction SIM = VectorSimilarityFunction.DOT_PRODUCT;

  private RandomAccessVectorValues ravv;
  private ImmutableGraphIndex graph;
  private PQVectors pq;
  private GraphSearcher searcher;
  private int n;

  @Override
  public String name() {
    return "jvector";
  }

  @Override
  public void build(float[][] base) throws IOException {
    n = base.length;
    int dim = base[0].length;
    List<VectorFloat<?>> list = new ArrayList<>(n);
    for (float[] v : base) {
      list.add(VTS.createFloatVector(v));
    }
    ravv = new ListRandomAccessVectorValues(list, dim);
    GraphIndexBuilder builder = new GraphIndexBuilder(BuildScoreProvider.randomAccessScoreProvider(ravv, SIM), dim,
        DEGREE, BUILD_BEAM, 1.2f, 1.2f, true, true);
    graph = builder.build(ravv);
    ProductQuantization quantizer = ProductQuantization.compute(ravv, Math.max(1, dim / 4), 256, false);
    pq = (PQVectors) quantizer.encodeAll(ravv, ForkJoinPool.commonPool());
    searcher = new GraphSearcher(graph);
  }

  @Override
  public double bytesPerVector() {
    return (graph.ramBytesUsed() + pq.ramBytesUsed()) / (double) n;
  }

  @Override
  public String memoryNote() {
    return "graph (heap) + PQ codes (" + pq.getCompressedSize() + " B each); the FP32 vectors used to re-rank are"
        + " not counted (JVector's on-disk format keeps them inline on disk)";
  }

  @Override
  public List<Setting> sweep(boolean quick) {
    List<Setting> out = new ArrayList<>();
    for (int r : AnnEngine.beamSweep(quick)) {
      out.add(new Setting("rerankK=" + r + ",pq", (q, k) -> search(q, k, r)));
    }
    return out;
  }

  private int[] search(float[] q, int k, int rerankK) {
    VectorFloat<?> qv = VTS.createFloatVector(q);
    var ssp = new DefaultSearchScoreProvider(pq.precomputedScoreFunctionFor(qv, SIM), ravv.rerankerFor(qv, SIM));
    SearchResult r = searcher.search(ssp, k, Math.max(k, rerankK), 0f, 0f, Bits.ALL);
    SearchResult.NodeScore[] nodes = r.getNodes();
    int[] out = new int[nodes.length];
    for (int i = 0; i < nodes.length; i++) {
      out[i] = nodes[i].node;
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    if (searcher != null) {
      searcher.close();
    }
  }
}
