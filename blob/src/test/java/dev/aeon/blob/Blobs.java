package dev.aeon.blob;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Test blobs whose content is a function of a key stored in their first 8 bytes, so a reader can check them. */
final class Blobs {

  private Blobs() {}

  static byte[] content(long key, int length) {
    byte[] b = new byte[Math.max(8, length)];
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(key);
    for (int i = 8; i < b.length; i++) {
      b[i] = (byte) (key * 31 + i * 7);
    }
    return b;
  }

  /** The key of a blob, after checking every byte matches it; throws AssertionError otherwise. */
  static long check(MemorySegment blob) {
    long key = blob.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
    for (long i = 8; i < blob.byteSize(); i++) {
      if (blob.get(ValueLayout.JAVA_BYTE, i) != (byte) (key * 31 + i * 7)) {
        throw new AssertionError("blob with key " + key + " has a wrong byte at " + i);
      }
    }
    return key;
  }

  static long check(byte[] blob) {
    return check(MemorySegment.ofArray(blob));
  }

  /** Deterministic length for a key: mostly event-sized, now and then large enough to grow the file. */
  static int lengthFor(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (h >>> 60) == 0 ? 150_000 + (int) ((h >>> 20) & 0xFFFF) : 8 + (int) ((h >>> 30) % 1500);
  }
}
