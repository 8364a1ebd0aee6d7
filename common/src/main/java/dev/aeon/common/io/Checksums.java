package dev.aeon.common.io;

import java.lang.foreign.MemorySegment;
import java.util.zip.CRC32C;

/** CRC32C (Castagnoli, hardware accelerated by the JDK) over memory segments, heap or mapped. */
public final class Checksums {

  private Checksums() {}

  /** CRC32C of {@code length} bytes of {@code segment} starting at {@code offset}, as an int. */
  public static int crc32c(MemorySegment segment, long offset, long length) {
    CRC32C crc = new CRC32C();
    update(crc, segment, offset, length);
    return (int) crc.getValue();
  }

  /** Feeds a range of a segment into {@code crc}, in chunks a {@code ByteBuffer} can address. */
  public static void update(CRC32C crc, MemorySegment segment, long offset, long length) {
    long end = offset + length;
    for (long at = offset; at < end; ) {
      long n = Math.min(end - at, 1L << 30);
      crc.update(segment.asSlice(at, n).asByteBuffer());
      at += n;
    }
  }
}
