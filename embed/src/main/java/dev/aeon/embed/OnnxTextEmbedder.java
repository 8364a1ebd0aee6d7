package dev.aeon.embed;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.aeon.common.FirstFailure;
import dev.aeon.common.TextEmbedder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * A {@link TextEmbedder} that runs a sentence-transformer ONNX graph in this JVM through ONNX runtime.
 * The graph and tokenizer are read from the classpath (they ship inside Maven jars), so nothing is
 * downloaded at run time.
 *
 * <p><b>Batching.</b> {@link #embedAll} tokenizes every text and runs its windows in parallel, one window
 * per ONNX call, never padded into a shared tensor. The reason: the quantized graphs quantize their
 * activations dynamically, with one scale per tensor, so padding a window into a batch with others
 * changes its vector (measured on LoCoMo turns: cosine down to 0.983 against the same text alone) while
 * gaining little on a CPU. Run alone, a text gets the same vector whatever it is batched with, the same
 * as langchain4j's reference implementation gives (cosine above 0.99999).
 *
 * <p><b>Long texts.</b> A text longer than the model window ({@link ModelSpec#windowTokens()}, 256 tokens
 * for MiniLM, about 190 English words) is split into consecutive windows covering all of its tokens; its
 * vector is the normalised, token-count-weighted average of the windows' unit vectors. Nothing is dropped,
 * and {@link #windowCount} tells a caller how many windows a text takes. What the models' tokenizers delete is
 * not there for the model: control characters, NUL and U+FFFD, and so an unpaired surrogate, which reaches the
 * tokenizer as U+FFFD (the engine refuses such text before it embeds it); a word longer than 100 characters is
 * one unknown token, as the models were trained.
 *
 * <p><b>Threads.</b> Any number of threads may call it at once (ONNX runtime sessions and the tokenizer
 * are thread-safe); {@link #close} waits for calls in flight, and a call made once close has begun fails at
 * once with an {@link IllegalStateException}.
 */
public final class OnnxTextEmbedder implements TextEmbedder {

  private static final String INPUT_IDS = "input_ids";
  private static final String ATTENTION_MASK = "attention_mask";
  private static final String TOKEN_TYPE_IDS = "token_type_ids";

  private final ModelSpec spec;
  private final OrtEnvironment env;
  private final OrtSession session;
  private final Windows windows;
  private final boolean takesTokenTypes;
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  /** Set when close begins: calls made from then on fail rather than wait (see whileOpen). */
  private volatile boolean closing;
  private boolean closed;

  private OnnxTextEmbedder(ModelSpec spec, OrtEnvironment env, OrtSession session, Windows windows)
      throws OrtException {
    this.spec = spec;
    this.env = env;
    this.session = session;
    this.windows = windows;
    Set<String> inputs = session.getInputNames();
    if (!inputs.contains(INPUT_IDS) || !inputs.contains(ATTENTION_MASK)
        || !Set.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS).containsAll(inputs)) {
      throw new IllegalStateException("model " + spec.onnxResource() + " has unexpected inputs " + inputs);
    }
    this.takesTokenTypes = inputs.contains(TOKEN_TYPE_IDS);
  }

  /** Opens the default model, all-MiniLM-L6-v2 (quantized). */
  public static OnnxTextEmbedder open() {
    return open(ModelSpec.DEFAULT);
  }

  /**
   * Loads the model's graph and tokenizer from the classpath (about half a second for MiniLM).
   *
   * @throws IllegalStateException if the model's jar is not on the classpath, the graph or tokenizer is unusable, or
   *     ONNX runtime's native library cannot be loaded on this machine
   */
  public static OnnxTextEmbedder open(ModelSpec spec) {
    Objects.requireNonNull(spec, "spec");
    return open(spec, ModelResources.read(spec.onnxResource(), "model",
        " (is the model's langchain4j-embeddings jar a dependency?)"));
  }

  /** {@link #open(ModelSpec)} with the graph's bytes given rather than read from the classpath (tests build graphs). */
  static OnnxTextEmbedder open(ModelSpec spec, byte[] graph) {
    return open(spec, graph, SessionSettings::forEmbedder);
  }

  /** With the session's options from {@code settings} (tests compare them with ONNX runtime's defaults). */
  static OnnxTextEmbedder open(ModelSpec spec, byte[] graph, SessionSettings.Source settings) {
    Windows windows = new Windows(spec.tokenizerResource(), spec.windowTokens());
    NativeLibraries.useCachedCopy();
    OrtTelemetry.disableUnlessChosen();
    OrtEnvironment env;
    try {
      env = OrtEnvironment.getEnvironment();
    } catch (LinkageError e) {
      // Its native library did not load (a platform without a build of it, a library folder without it).
      // The class loader reports that as an Error, which callers that can go on without a model (the
      // server) would not catch; this is the exception documented for a model that cannot be used.
      windows.close();
      throw new IllegalStateException("ONNX runtime cannot be loaded here: " + rootCause(e), e);
    }
    OrtSession session = null;
    try (OrtSession.SessionOptions options = settings.open()) {
      session = env.createSession(graph, options);
      return new OnnxTextEmbedder(spec, env, session, windows);
    } catch (OrtException | RuntimeException e) {
      // The constructor refuses a graph that is not a sentence encoder after ONNX runtime loaded it: its
      // session holds the whole graph in native memory, which nothing but close frees (no cleaner does).
      windows.close();
      if (session != null) {
        try {
          session.close();
        } catch (OrtException closing) {
          e.addSuppressed(closing);
        }
      }
      throw e instanceof RuntimeException r ? r
          : new IllegalStateException("ONNX runtime cannot load " + spec.onnxResource(), e);
    }
  }

  private static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.toString();
  }

  public ModelSpec spec() {
    return spec;
  }

  @Override
  public String model() {
    return spec.name();
  }

  @Override
  public int dimension() {
    return spec.dimension();
  }

  /** Tokens of the text, without the special tokens the model adds. */
  public int tokenCount(String text) {
    Objects.requireNonNull(text, "text");
    return whileOpen(() -> windows.tokenCount(text));
  }

  /** How many model windows the text takes; more than 1 means its vector averages several windows. */
  public int windowCount(String text) {
    Objects.requireNonNull(text, "text");
    return whileOpen(() -> windows.split(text).size());
  }

  @Override
  public List<float[]> embedAll(List<String> texts) {
    Objects.requireNonNull(texts, "texts");
    return embed(texts, "");
  }

  @Override
  public List<float[]> embedQueries(List<String> queries) {
    Objects.requireNonNull(queries, "queries");
    return embed(queries, spec.queryPrefix());
  }

  /** One window of one text. */
  private record Piece(int text, long[] ids) {}

  private List<float[]> embed(List<String> texts, String prefix) {
    return whileOpen(() -> embedOpen(texts, prefix));
  }

  /**
   * Runs a call on the native resources, which {@link #close} must not free meanwhile. A call never waits for
   * the lock: while close waits for the calls in flight, one that waited behind it could be a fork-join worker
   * whose queue holds a window of a call in flight, which then waits for it in turn (a parallel stream calling
   * embed, closed meanwhile, hung for good).
   */
  private <T> T whileOpen(Supplier<T> call) {
    if (closing || !lifecycle.readLock().tryLock()) {
      throw new IllegalStateException("embedder " + spec.name() + " is closed");
    }
    try {
      if (closed) {
        throw new IllegalStateException("embedder " + spec.name() + " is closed");
      }
      return call.get();
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  private List<float[]> embedOpen(List<String> texts, String prefix) {
    List<Piece> pieces = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      if (text == null) {
        throw new NullPointerException("text " + i + " is null");
      }
      for (long[] ids : windows.split(prefix + text)) {
        pieces.add(new Piece(i, ids));
      }
    }
    float[][] pooled = new float[pieces.size()][];
    Throwable[] failed = new Throwable[pieces.size()];
    IntStream indexes = IntStream.range(0, pieces.size());
    // No window may throw out of the stream: forEach returns at the first exception while the other windows still
    // run on the session, which close, no longer held off by this call, would free under them (a native crash).
    (pieces.size() > 1 ? indexes.parallel() : indexes).forEach(i -> {
      try {
        pooled[i] = run(pieces.get(i).ids);
      } catch (RuntimeException | Error e) {
        failed[i] = e;
      }
    });
    Throwable first = null;
    for (Throwable e : failed) {
      first = FirstFailure.of(first, e); // every window's failure is told, not only the first's
    }
    if (first != null) {
      throw FirstFailure.unchecked(first);
    }
    // A text's vector: its windows' unit vectors weighted by token count, normalised again.
    float[][] sums = new float[texts.size()][spec.dimension()];
    for (int i = 0; i < pieces.size(); i++) {
      float[] v = pooled[i];
      normalize(v);
      float weight = pieces.get(i).ids.length;
      float[] sum = sums[pieces.get(i).text];
      for (int d = 0; d < v.length; d++) {
        sum[d] += weight * v[d];
      }
    }
    List<float[]> out = new ArrayList<>(texts.size());
    for (float[] sum : sums) {
      normalize(sum);
      out.add(sum);
    }
    return out;
  }

  /** Runs the graph on one window and pools its token states (not yet normalised). */
  private float[] run(long[] ids) {
    long[] shape = {1, ids.length};
    long[] mask = new long[ids.length];
    Arrays.fill(mask, 1L);
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      inputs.put(INPUT_IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
      inputs.put(ATTENTION_MASK, OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
      if (takesTokenTypes) {
        inputs.put(TOKEN_TYPE_IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(new long[ids.length]), shape));
      }
      try (OrtSession.Result result = session.run(inputs)) {
        OnnxTensor hidden = (OnnxTensor) result.get(0);
        long[] outShape = hidden.getInfo().getShape();
        if (outShape.length != 3 || outShape[0] != 1 || outShape[1] != ids.length || outShape[2] != spec.dimension()) {
          throw new IllegalStateException("model " + spec.name() + " returned shape " + Arrays.toString(outShape)
              + ", expected [1, " + ids.length + ", " + spec.dimension() + "]");
        }
        return pool(hidden.getFloatBuffer(), ids.length);
      }
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX runtime failed on a window of " + ids.length + " tokens", e);
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  private float[] pool(FloatBuffer hidden, int tokens) {
    int dim = spec.dimension();
    float[] v = new float[dim];
    if (spec.pooling() == Pooling.CLS) {
      hidden.get(0, v, 0, dim);
      return v;
    }
    for (int t = 0; t < tokens; t++) {
      for (int d = 0; d < dim; d++) {
        v[d] += hidden.get(t * dim + d);
      }
    }
    for (int d = 0; d < dim; d++) {
      v[d] /= tokens;
    }
    return v;
  }

  private static void normalize(float[] v) {
    double sq = 0;
    for (float x : v) {
      sq += (double) x * x;
    }
    if (sq == 0) {
      return;
    }
    float inv = (float) (1.0 / Math.sqrt(sq));
    for (int i = 0; i < v.length; i++) {
      v[i] *= inv;
    }
  }

  @Override
  public void close() {
    closing = true;
    lifecycle.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      try {
        session.close();
      } catch (OrtException e) {
        throw new IllegalStateException("cannot close ONNX session of " + spec.name(), e);
      } finally {
        windows.close();
      }
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  @Override
  public String toString() {
    return "OnnxTextEmbedder[" + spec.name() + ", " + spec.dimension() + " dims, " + spec.pooling() + " pooling]";
  }
}
