package dev.aeon.bench.ann;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.AcceptDocs;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.VectorUtil;
import org.apache.lucene.util.quantization.QuantizedByteVectorValues.ScalarEncoding;

/**
 * Lucene's HNSW over 8-bit scalar-quantized vectors ({@link Lucene104HnswScalarQuantizedVectorsFormat},
 * M = 16, beam 100), one merged segment, searched through the leaf reader with {@code k = efSearch};
 * the efSearch candidates are then re-ranked with the FP32 vectors, as Atlas re-ranks its own.
 */
final class LuceneHnswEngine implements AnnEngine {

  static final int M = 16;
  static final int BUILD_BEAM = 100;
  private static final String FIELD = "v";
  /** Files a quantized HNSW search reads: graph, quantized vectors and their metadata (not the FP32 .vec). */
  private static final Set<String> SEARCH_FILES = Set.of("vex", "vem", "veq", "vemq");

  private final Path dir;
  private FSDirectory directory;
  private DirectoryReader reader;
  private LeafReader leaf;
  private FloatVectorValues raw;
  private int n;

  LuceneHnswEngine(Path dir) {
    this.dir = dir;
  }

  @Override
  public String name() {
    return "lucene-hnsw-int8";
  }

  @Override
  public void build(float[][] base) throws IOException {
    n = base.length;
    directory = FSDirectory.open(dir);
    KnnVectorsFormat format = new Lucene104HnswScalarQuantizedVectorsFormat(ScalarEncoding.UNSIGNED_BYTE, M,
        BUILD_BEAM);
    IndexWriterConfig config = new IndexWriterConfig()
        .setCodec(new Lucene104Codec() {
          @Override
          public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
            return format;
          }
        })
        .setRAMBufferSizeMB(1024)
        .setUseCompoundFile(false);
    try (IndexWriter w = new IndexWriter(directory, config)) {
      for (float[] v : base) {
        Document doc = new Document();
        doc.add(new KnnFloatVectorField(FIELD, v, VectorSimilarityFunction.DOT_PRODUCT));
        w.addDocument(doc);
      }
      w.forceMerge(1);
      w.commit();
    }
    reader = DirectoryReader.open(directory);
    if (reader.leaves().size() != 1) {
      throw new IllegalStateException("expected one segment, got " + reader.leaves().size());
    }
    leaf = reader.leaves().getFirst().reader();
    raw = leaf.getFloatVectorValues(FIELD);
  }

  @Override
  public double bytesPerVector() throws IOException {
    long bytes = 0;
    for (String f : directory.listAll()) {
      String ext = f.substring(f.lastIndexOf('.') + 1);
      if (SEARCH_FILES.contains(ext)) {
        bytes += Files.size(dir.resolve(f));
      }
    }
    return bytes / (double) n;
  }

  @Override
  public String memoryNote() {
    return "files a quantized search maps (.vex graph, .veq quantized vectors, .vem/.vemq metadata); the FP32 "
        + ".vec file stays on disk, read only to re-rank";
  }

  @Override
  public List<Setting> sweep(boolean quick) {
    List<Setting> out = new ArrayList<>();
    for (int ef : AnnEngine.beamSweep(quick)) {
      out.add(new Setting("efSearch=" + ef + ",rerank", (q, k) -> search(q, k, ef)));
    }
    return out;
  }

  private int[] search(float[] q, int k, int ef) throws IOException {
    TopDocs td = leaf.searchNearestVectors(FIELD, q, Math.max(k, ef), AcceptDocs.fromLiveDocs(null, n),
        Integer.MAX_VALUE);
    TopIds best = new TopIds(k);
    for (ScoreDoc sd : td.scoreDocs) {
      // One dense segment without deletions: a document's vector ordinal is its doc id.
      best.offer(VectorUtil.dotProduct(q, raw.vectorValue(sd.doc)), sd.doc);
    }
    return best.idsDescending();
  }

  @Override
  public void close() throws IOException {
    if (reader != null) {
      reader.close();
    }
    if (directory != null) {
      directory.close();
    }
  }
}
