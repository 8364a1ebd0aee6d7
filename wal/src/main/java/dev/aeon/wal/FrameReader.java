package dev.aeon.wal;

import java.lang.foreign.MemorySegment;
import java.util.zip.CRC32C;

/** Reads and checks record frames in a mapped segment file. Not thread-safe (one CRC instance). */
final class FrameReader {

  /** Outcome of {@link #check}: a valid frame, the zero end marker, or one kind of damage. */
  enum Status {
    VALID(null),
    END_OF_SEGMENT(null),
    ZEROS(null),
    BAD_LENGTH("frame length runs past the end of the segment"),
    BAD_LSN("frame has the wrong LSN"),
    BAD_CRC("CRC32C mismatch");

    final String problem;

    Status(String problem) {
      this.problem = problem;
    }
  }

  private final MemorySegment segment;
  private final CRC32C crc = new CRC32C();

  FrameReader(MemorySegment segment) {
    this.segment = segment;
  }

  MemorySegment segment() {
    return segment;
  }

  /** Checks the frame at {@code offset}, which must carry {@code expectedLsn}. */
  Status check(long offset, long expectedLsn) {
    long size = segment.byteSize();
    if (offset + WalFormat.FRAME_HEADER_SIZE > size) {
      return Status.END_OF_SEGMENT;
    }
    int length = length(offset);
    int storedCrc = segment.get(WalFormat.INT, offset + WalFormat.FRAME_CRC);
    long lsn = lsn(offset);
    if (length == 0 && storedCrc == 0 && lsn == 0) {
      return Status.ZEROS;
    }
    if (length < 0 || length > size - offset - WalFormat.FRAME_HEADER_SIZE) {
      return Status.BAD_LENGTH;
    }
    if (lsn != expectedLsn) {
      return Status.BAD_LSN;
    }
    return storedCrc == WalFormat.frameCrc(segment, offset, length, crc) ? Status.VALID : Status.BAD_CRC;
  }

  /**
   * Whether a frame with an LSN of at least {@code minLsn} and a matching CRC starts at {@code offset}:
   * the test used when searching past damage for records that were written after it.
   */
  boolean plausibleFrameAt(long offset, long minLsn) {
    long size = segment.byteSize();
    if (offset + WalFormat.FRAME_HEADER_SIZE > size) {
      return false;
    }
    long lsn = lsn(offset);
    if (lsn < minLsn || lsn - minLsn > (1L << 40)) {
      return false;
    }
    int length = length(offset);
    if (length < 0 || length > size - offset - WalFormat.FRAME_HEADER_SIZE) {
      return false;
    }
    return segment.get(WalFormat.INT, offset + WalFormat.FRAME_CRC) == WalFormat.frameCrc(segment, offset, length, crc);
  }

  int length(long offset) {
    return segment.get(WalFormat.INT, offset + WalFormat.FRAME_LENGTH);
  }

  long lsn(long offset) {
    return segment.get(WalFormat.LONG, offset + WalFormat.FRAME_LSN);
  }

  long forcedLsn(long offset) {
    return segment.get(WalFormat.LONG, offset + WalFormat.FRAME_FORCED_LSN);
  }

  byte type(long offset) {
    return segment.get(java.lang.foreign.ValueLayout.JAVA_BYTE, offset + WalFormat.FRAME_TYPE);
  }

  /** The payload of the frame at {@code offset}, as a slice of the mapping. */
  MemorySegment payload(long offset) {
    return segment.asSlice(offset + WalFormat.FRAME_HEADER_SIZE, length(offset));
  }

  /** Offset just past the last non-zero byte at or after {@code from}, or {@code from} if all are zero. */
  long endOfNonZero(long from) {
    long end = segment.byteSize();
    while (end > from && (end & 7) != 0) {
      if (segment.get(java.lang.foreign.ValueLayout.JAVA_BYTE, end - 1) != 0) {
        return end;
      }
      end--;
    }
    while (end - 8 >= from && segment.get(WalFormat.LONG, end - 8) == 0) {
      end -= 8;
    }
    while (end > from && segment.get(java.lang.foreign.ValueLayout.JAVA_BYTE, end - 1) == 0) {
      end--;
    }
    return end;
  }
}
