package dev.aeon.engine.log;

import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Writes a vector's floats as {@link DataOutputStream#writeFloat} does, one after the other (each
 * {@link Float#floatToIntBits}, big-endian), but a chunk of them per write to the stream.
 *
 * <p>Why: a remember's 384 floats written one by one were 384 calls into the stream, each a synchronized
 * {@code ByteArrayOutputStream.write} with its capacity check, and JFR put about 7% of a remember's CPU
 * (its log record's encoding, unforced) there; the bytes are the same (MutationEncodeScratchTest's digests,
 * FloatsOutTest).
 */
final class FloatsOut {

  /** Floats per write: a chunk of 1 KiB, the buffer the thread keeps ({@link EncodeScratch#floatChunk}). */
  static final int CHUNK_FLOATS = 256;

  private static final VarHandle BIG_ENDIAN_INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

  private FloatsOut() {}

  /** A buffer for {@link #write}. */
  static byte[] newChunk() {
    return new byte[CHUNK_FLOATS * Float.BYTES];
  }

  /** Writes {@code v}'s floats to {@code out} through {@code chunk} (from {@link #newChunk}; overwritten). */
  static void write(DataOutputStream out, float[] v, byte[] chunk) throws IOException {
    for (int from = 0; from < v.length; from += CHUNK_FLOATS) {
      int n = Math.min(CHUNK_FLOATS, v.length - from);
      for (int i = 0; i < n; i++) {
        BIG_ENDIAN_INT.set(chunk, i * Float.BYTES, Float.floatToIntBits(v[from + i]));
      }
      out.write(chunk, 0, n * Float.BYTES);
    }
  }
}
