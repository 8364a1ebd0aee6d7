package dev.aeon.engine.log;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.util.Arrays;

/**
 * A thread's buffer for {@link MutationCodec#encode}, kept from one mutation to the next. A remember's record (its
 * text and 384 floats: about 1.7 KB) was written through a stream that grew from 64 bytes, five copies of about 4 KB
 * in all, before the record itself was copied out of it; with this buffer a record costs its one exact copy, which
 * the log owns until it is durable (so it cannot be a buffer kept here).
 *
 * <p>Nothing of one mutation reaches the next: {@link #start} empties the buffer, and {@link #encoded} copies exactly
 * the bytes written since (MutationEncodeScratchTest). One thread's encodings cannot overlap: nothing is called
 * between the start and the copy but the codec's own writes. A buffer that grew past {@link #MAX_KEPT} (a large
 * text, a batch) is dropped after its copy, so a thread holds at most that much between mutations.
 */
final class EncodeScratch {

  /** The largest buffer a thread keeps between mutations. */
  static final int MAX_KEPT = 64 << 10;

  private static final int INITIAL = 4 << 10;

  private static final ThreadLocal<EncodeScratch> OF_THREAD = ThreadLocal.withInitial(EncodeScratch::new);

  /** A byte array stream whose buffer can be copied out exactly, and dropped when too large to keep. */
  private static final class Buffer extends ByteArrayOutputStream {
    Buffer() {
      super(INITIAL);
    }

    byte[] copy() {
      return Arrays.copyOf(buf, count);
    }

    int capacity() {
      return buf.length;
    }

    void shrink() {
      buf = new byte[INITIAL];
      count = 0;
    }
  }

  private final Buffer bytes = new Buffer();
  private final DataOutputStream out = new DataOutputStream(bytes);
  private final byte[] floatChunk = FloatsOut.newChunk();

  private EncodeScratch() {}

  /** The calling thread's scratch. */
  static EncodeScratch ofThread() {
    return OF_THREAD.get();
  }

  /** Empties the buffer and returns the stream to write a mutation into. */
  DataOutputStream start() {
    bytes.reset();
    return out;
  }

  /** A copy of what was written since {@link #start}; drops a buffer grown past {@link #MAX_KEPT}. */
  byte[] encoded() {
    byte[] copy = bytes.copy();
    if (bytes.capacity() > MAX_KEPT) {
      bytes.shrink();
    }
    return copy;
  }

  /** The thread's buffer for a vector's floats on their way into the stream ({@link FloatsOut#write}). */
  byte[] floatChunk() {
    return floatChunk;
  }

  /** The bytes the thread's buffer holds now (tests: it keeps at most {@link #MAX_KEPT}). */
  int capacity() {
    return bytes.capacity();
  }
}
