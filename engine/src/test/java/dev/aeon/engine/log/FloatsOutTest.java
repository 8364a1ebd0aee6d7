package dev.aeon.engine.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A vector written a chunk at a time is the bytes {@link DataOutputStream#writeFloat} wrote one float at a time. */
class FloatsOutTest {

  /** Values whose bits a careless encoding would change: signed zeros, NaNs of other payloads, extremes. */
  private static final float[] EDGES = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE,
      -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
      Float.intBitsToFloat(0x7fc00001), Float.intBitsToFloat(0xffa00000), 1f, -1f, 0.1f};

  @Test
  void writesWhatWriteFloatWrote() throws IOException {
    SplittableRandom rnd = new SplittableRandom(7);
    byte[] chunk = FloatsOut.newChunk();
    int n = FloatsOut.CHUNK_FLOATS;
    for (int length : new int[] {0, 1, EDGES.length, n - 1, n, n + 1, 384, 2 * n, 2 * n + 3, 1536}) {
      float[] v = new float[length];
      for (int i = 0; i < length; i++) {
        v[i] = i % 3 == 0 ? EDGES[rnd.nextInt(EDGES.length)] : (float) rnd.nextDouble(-2, 2);
      }
      assertArrayEquals(oneByOne(v), chunked(v, chunk), "vector of " + length);
    }
  }

  @Test
  void aChunkLeftFromALongerVectorDoesNotReachTheNext() throws IOException {
    byte[] chunk = FloatsOut.newChunk();
    float[] longer = new float[FloatsOut.CHUNK_FLOATS];
    java.util.Arrays.fill(longer, 3.5f);
    chunked(longer, chunk);
    float[] shorter = {1f, -2f, 0.25f};
    assertArrayEquals(oneByOne(shorter), chunked(shorter, chunk));
  }

  private static byte[] oneByOne(float[] v) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(42);
      for (float f : v) {
        out.writeFloat(f);
      }
      out.writeInt(-1);
    }
    return bytes.toByteArray();
  }

  private static byte[] chunked(float[] v, byte[] chunk) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(42);
      FloatsOut.write(out, v, chunk);
      out.writeInt(-1);
    }
    return bytes.toByteArray();
  }
}
