package dev.aeon.bench.locomo;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Layout of a cached-vectors file: a fixed header, {@code count * dimension} float32 values, a checksum.
 *
 * <pre>
 *  offset  size
 *       0     4  magic "AEON"
 *       4     8  format name "VECTORS\0"
 *      12     4  format version (int32)
 *      16     4  dimension (int32)
 *      20     4  count (int32)
 *      24    32  key: SHA-256 of model, purpose and every text (what the vectors are of)
 *      56    64  model name, UTF-8, zero-padded (for humans and error messages)
 *     120     4  reserved, zero
 *     124     4  CRC32C of bytes 0..123
 *     128     .  vectors: count * dimension float32
 *       .     4  CRC32C of the vector bytes
 * </pre>
 * Every number is little-endian.
 */
final class VectorFileLayout {

  static final byte[] MAGIC = "AEON".getBytes(StandardCharsets.US_ASCII);
  static final byte[] FORMAT = "VECTORS\0".getBytes(StandardCharsets.US_ASCII);
  static final String FORMAT_NAME = "cached vectors";
  static final int VERSION = 1;

  static final int MAGIC_OFFSET = 0;
  static final int FORMAT_OFFSET = 4;
  static final int VERSION_OFFSET = 12;
  static final int DIMENSION_OFFSET = 16;
  static final int COUNT_OFFSET = 20;
  static final int KEY_OFFSET = 24;
  static final int KEY_LENGTH = 32;
  static final int MODEL_OFFSET = 56;
  static final int MODEL_LENGTH = 64;
  static final int HEADER_CRC_OFFSET = 124;
  static final int HEADER_LENGTH = 128;

  static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

  private VectorFileLayout() {}

  /** Offset of the trailing checksum, which is also the length of the file without it. */
  static long trailerOffset(int count, int dimension) {
    return HEADER_LENGTH + (long) count * dimension * Float.BYTES;
  }

  static long fileLength(int count, int dimension) {
    return trailerOffset(count, dimension) + Integer.BYTES;
  }
}
