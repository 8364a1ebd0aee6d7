package dev.aeon.server.command;

import dev.aeon.common.TextEmbedder;
import dev.aeon.server.ServerContext;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads a vector from the arguments in one of the forms the vector-set commands accept: {@code FP32 blob}
 * (little-endian floats), {@code VALUES n v1 ... vn}, or, when the server has an embedder, {@code TEXT text}.
 */
public final class VectorInput {

  /**
   * Most dimensions a vector given in a command may have. A vector-set element stores fewer: its vector is kept in
   * its attributes, which hold at most 6,135 dimensions with NOQUANT and 24,541 with Q8 ({@code VADD} says so).
   */
  public static final int MAX_DIMENSION = 32_768;

  private VectorInput() {}

  /** Whether the next argument starts a vector (FP32, VALUES or TEXT). */
  public static boolean atVector(Args a) {
    String k = a.peekKeyword();
    return "FP32".equals(k) || "VALUES".equals(k) || "TEXT".equals(k);
  }

  /**
   * A vector from the arguments and the embedding model that made it: the server's for TEXT, null for numbers
   * (FP32, VALUES), which the engine takes on the client's word (it refuses a vector of another model than
   * its namespace's, {@link dev.aeon.engine.Remember#vector(float[], String)}).
   */
  public record Given(float[] values, String model) {}

  /**
   * A vector as the arguments give it, nothing embedded yet: its numbers (FP32, VALUES) or the text the server's
   * model is to embed (TEXT). A command reads its arguments whole before it embeds (VADD, VSIM, MEM.ADD, MEM.RECALL),
   * so that a malformed option after a TEXT is refused without the model's work, and can tell beforehand whether it
   * will embed at all; so there is no reader here that embeds as it reads.
   */
  public record Unembedded(float[] numbers, String text) {

    /** Whether the server's model has to embed it (TEXT). */
    public boolean isText() {
      return text != null;
    }

    /** The vector: the numbers given, or the text embedded ({@link #embedText}). */
    public Given embed(ServerContext server, boolean query) {
      return isText() ? embedText(text, server, query) : new Given(numbers, null);
    }
  }

  /** Parses the vector at the cursor, its TEXT not embedded yet. */
  public static Unembedded readUnembedded(Args a) {
    if (a.accept("FP32")) {
      return new Unembedded(fp32(a.nextBytes()), null);
    }
    if (a.accept("VALUES")) {
      int n = a.nextInt(1, MAX_DIMENSION, "the number of VALUES");
      if (a.remaining() < n) {
        throw CommandError.err("VALUES " + n + " needs " + n + " numbers, only " + a.remaining() + " given");
      }
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        v[i] = finite(a.nextDouble());
      }
      return new Unembedded(v, null);
    }
    if (a.accept("TEXT")) {
      return new Unembedded(null, a.nextText("the text"));
    }
    throw CommandError.err("expected a vector: FP32 <blob>, VALUES <n> <v1> ... <vn> or TEXT <text>");
  }

  /**
   * Embeds plain text with the server's model; {@code query} says whether it is a search query. A text larger
   * than the largest event the engine stores is refused before it is embedded (a megabyte takes the model
   * about a minute of CPU).
   */
  public static Given embedText(String text, ServerContext server, boolean query) {
    TextEmbedder embedder = server.embedder();
    if (embedder == null) {
      throw CommandError.err(withoutEmbedder(server, "TEXT"));
    }
    int max = server.config().engine().maxEventBytes();
    if (text.length() > max / 3) { // at most 3 bytes of UTF-8 per char
      int bytes = text.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > max) {
        throw CommandError.err("TEXT takes " + bytes + " bytes; the server embeds at most " + max
            + " (the largest event it stores)");
      }
    }
    return new Given(query ? embedder.embedQuery(text) : embedder.embed(text), TextEmbedder.namedModel(embedder));
  }

  /**
   * What a server without an embedder says to {@code what}, which needs one: why it has none, a model that could not
   * be loaded or {@code --embedder none}.
   */
  public static String withoutEmbedder(ServerContext server, String what) {
    String failure = server.config().embedderFailure();
    return what + " needs an embedder, and this server runs without one"
        + (failure == null ? " (start it without --embedder none)" : ": " + failure);
  }

  public static float[] fp32(byte[] blob) {
    if (blob.length == 0 || blob.length % 4 != 0 || blob.length / 4 > MAX_DIMENSION) {
      throw CommandError.err("FP32 blob must hold 1 to " + MAX_DIMENSION + " little-endian floats, got "
          + blob.length + " bytes");
    }
    float[] v = new float[blob.length / 4];
    ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
    for (float f : v) {
      finite(f);
    }
    return v;
  }

  private static float finite(double d) {
    float f = (float) d;
    if (!Float.isFinite(f)) {
      throw CommandError.err("vector components must be finite floats, got " + d);
    }
    return f;
  }

  /** The L2 norm; a zero vector has no direction and cannot be compared by cosine. */
  public static double norm(float[] v) {
    double s = 0;
    for (float f : v) {
      s += (double) f * f;
    }
    double n = Math.sqrt(s);
    if (n == 0) {
      throw CommandError.err("the zero vector has no direction and cannot be indexed or searched");
    }
    return n;
  }
}
