package dev.aeon.wal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * The on-disk layout of a WAL segment: one descriptor for the segment header and the record frame.
 * All integers are little-endian.
 *
 * <pre>
 * Segment file "&lt;first LSN, 20 digits&gt;.wal", preallocated to its full size with zeros:
 *
 *   0        4                  16        18        20        24
 *   +--------+------------------+---------+---------+---------+
 *   | magic  | format name      | version | hdr len | flags=0 |
 *   | "AEON" | "aeon-wal" + NUL | u16     | u16 =64 | u32     |
 *   +--------+------------------+---------+---------+---------+
 *   24          32             40          48        60      64
 *   +-----------+--------------+-----------+---------+-------+
 *   | first LSN | segment size | created   | zeros   | CRC32C|
 *   | u64       | u64          | epoch ms  |         | 0..60 |
 *   +-----------+--------------+-----------+---------+-------+
 *   then records, back to back, from offset 64; the unused rest of the file stays zero.
 *
 * Record frame:
 *
 *   0          4          8          16           24     25
 *   +----------+----------+----------+------------+------+----------------+
 *   | length   | CRC32C   | LSN      | forced LSN | type | payload        |
 *   | u32      | u32      | u64      | u64        | i8   | length bytes   |
 *   +----------+----------+----------+------------+------+----------------+
 *   CRC32C covers bytes 0..4 and 8..(25 + length): everything but itself.
 *
 * Checkpoint file "CHECKPOINT", replaced atomically (written to a temporary file, forced, renamed):
 *
 *   0        4                  16        18        20        24               32          40       44
 *   +--------+------------------+---------+---------+---------+----------------+-----------+--------+
 *   | magic  | format name      | version | length  | zeros   | checkpoint LSN | written   | CRC32C |
 *   | "AEON" | "aeon-wal-ckpt"  | u16     | u16 =44 |         | u64            | epoch ms  | 0..40  |
 *   +--------+------------------+---------+---------+---------+----------------+-----------+--------+
 * </pre>
 *
 * <p>The checkpoint lives in its own file rather than in a log record so that every LSN is a caller's
 * record: LSNs stay dense, and replay never has to hide records of the WAL's own.
 *
 * <p>The forced LSN is the highest LSN that had been forced to the device when this record was written.
 * Recovery uses it to tell a torn tail (damage after the last force, which a power loss may leave in any
 * shape) from corruption (damage to a record that a later record proves was already forced).
 * A frame whose length, CRC and LSN fields (its first 16 bytes) are zero marks the end of the records of
 * a segment; LSNs start at 1, so no record has these fields all zero.
 */
final class WalFormat {

  static final int MAGIC = 0x4E4F4541; // "AEON" read as a little-endian int
  static final String FORMAT_NAME = "aeon-wal";
  static final int FORMAT_NAME_LENGTH = 12;
  /** Version written by this code; version 1 is the first, so nothing older exists yet. */
  static final int VERSION = 1;
  static final int OLDEST_READABLE_VERSION = 1;

  static final int HEADER_MAGIC = 0;
  static final int HEADER_FORMAT_NAME = 4;
  static final int HEADER_VERSION = 16;
  static final int HEADER_LENGTH_FIELD = 18;
  static final int HEADER_FLAGS = 20;
  static final int HEADER_FIRST_LSN = 24;
  static final int HEADER_SEGMENT_SIZE = 32;
  static final int HEADER_CREATED = 40;
  static final int HEADER_CRC = 60;
  static final int HEADER_SIZE = 64;

  static final int FRAME_LENGTH = 0;
  static final int FRAME_CRC = 4;
  static final int FRAME_LSN = 8;
  static final int FRAME_FORCED_LSN = 16;
  static final int FRAME_TYPE = 24;
  static final int FRAME_HEADER_SIZE = 25;

  static final String SEGMENT_SUFFIX = ".wal";

  static final String CHECKPOINT_FILE = "CHECKPOINT";
  static final String CHECKPOINT_FORMAT_NAME = "aeon-wal-ckpt";
  static final int CHECKPOINT_VERSION = 1;
  static final int CHECKPOINT_LSN = 24;
  static final int CHECKPOINT_WRITTEN = 32;
  static final int CHECKPOINT_CRC = 40;
  static final int CHECKPOINT_SIZE = 44;

  static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private WalFormat() {}

  /** ASCII digits whatever the default locale: %d would otherwise write, say, Arabic-Indic ones. */
  static String segmentName(long firstLsn) {
    return String.format(Locale.ROOT, "%020d%s", firstLsn, SEGMENT_SUFFIX);
  }

  /**
   * The first LSN encoded in a segment file name, or -1 if the name is not a segment name. Twenty digits
   * can spell more than a long holds: such a name is no segment this code wrote, so it is a stray file.
   */
  static long parseSegmentName(String name) {
    if (name.length() != 20 + SEGMENT_SUFFIX.length() || !name.endsWith(SEGMENT_SUFFIX)) {
      return -1;
    }
    for (int i = 0; i < 20; i++) {
      if (!Character.isDigit(name.charAt(i))) {
        return -1;
      }
    }
    try {
      return Long.parseLong(name, 0, 20, 10);
    } catch (NumberFormatException beyondLong) {
      return -1;
    }
  }

  /** A segment header for a new segment, ready to write at offset 0. */
  static ByteBuffer encodeHeader(long firstLsn, long segmentSize, long createdMillis) {
    ByteBuffer b = preamble(HEADER_SIZE, FORMAT_NAME, VERSION);
    b.putInt(HEADER_FLAGS, 0);
    b.putLong(HEADER_FIRST_LSN, firstLsn);
    b.putLong(HEADER_SEGMENT_SIZE, segmentSize);
    b.putLong(HEADER_CREATED, createdMillis);
    return sealed(b, HEADER_CRC);
  }

  /** The checkpoint file's content. */
  static ByteBuffer encodeCheckpoint(long checkpointLsn, long writtenMillis) {
    ByteBuffer b = preamble(CHECKPOINT_SIZE, CHECKPOINT_FORMAT_NAME, CHECKPOINT_VERSION);
    b.putLong(CHECKPOINT_LSN, checkpointLsn);
    b.putLong(CHECKPOINT_WRITTEN, writtenMillis);
    return sealed(b, CHECKPOINT_CRC);
  }

  /** Magic, format name, version and length: the start shared by segment headers and checkpoint files. */
  private static ByteBuffer preamble(int size, String formatName, int version) {
    ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(HEADER_MAGIC, MAGIC);
    b.put(HEADER_FORMAT_NAME, formatNameBytes(formatName));
    b.putShort(HEADER_VERSION, (short) version);
    b.putShort(HEADER_LENGTH_FIELD, (short) size);
    return b;
  }

  private static ByteBuffer sealed(ByteBuffer b, int crcOffset) {
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, crcOffset);
    b.putInt(crcOffset, (int) crc.getValue());
    return b;
  }

  /** A format name as stored: ASCII, NUL-padded to {@link #FORMAT_NAME_LENGTH} bytes. */
  static byte[] formatNameBytes(String formatName) {
    return Arrays.copyOf(formatName.getBytes(StandardCharsets.US_ASCII), FORMAT_NAME_LENGTH);
  }

  /**
   * Checks the preamble and CRC of a segment header or checkpoint file held in {@code m}. A version this code
   * does not read is reported as such only if the CRC holds: otherwise the version field may be what is
   * damaged, and "written by a newer release" would send its user to the wrong remedy.
   *
   * @return null if they are good, else what is wrong
   * @throws WalTooNewException the version is newer than {@code version}
   * @throws WalTooOldException the version is older than {@code oldest}
   */
  static String checkPreamble(MemorySegment m, Path file, int size, String formatName, int version, int oldest,
      int crcOffset) throws WalTooNewException, WalTooOldException {
    if (m.byteSize() < size) {
      return "file is shorter (" + m.byteSize() + " bytes) than its " + size + "-byte header";
    }
    if (m.get(INT, HEADER_MAGIC) != MAGIC) {
      return "not an Aeon file (bad magic)";
    }
    int found = Short.toUnsignedInt(m.get(SHORT, HEADER_VERSION));
    CRC32C crc = new CRC32C();
    crc.update(m.asSlice(0, crcOffset).asByteBuffer());
    boolean crcHolds = m.get(INT, crcOffset) == (int) crc.getValue();
    if (found > version || found < oldest) {
      if (!crcHolds) {
        return "header CRC32C mismatch, and its version field reads " + found + ", which this release does not"
            + " read (" + oldest + " to " + version + "): damage, or a header of another release's layout";
      }
      if (found > version) {
        throw new WalTooNewException(file, found, version);
      }
      throw new WalTooOldException(file, found, oldest);
    }
    if (!crcHolds) {
      return "header CRC32C mismatch";
    }
    byte[] name = m.asSlice(HEADER_FORMAT_NAME, FORMAT_NAME_LENGTH).toArray(ValueLayout.JAVA_BYTE);
    if (!Arrays.equals(name, formatNameBytes(formatName))) {
      return "format name is not " + formatName;
    }
    return null;
  }

  /**
   * Encodes one frame at the buffer's position and advances it. The caller has checked that
   * {@code FRAME_HEADER_SIZE + payload.length} bytes remain.
   */
  static void encodeFrame(ByteBuffer buf, long lsn, long forcedLsn, byte type, byte[] payload, CRC32C crc) {
    int start = buf.position();
    buf.putInt(start + FRAME_LENGTH, payload.length);
    buf.putLong(start + FRAME_LSN, lsn);
    buf.putLong(start + FRAME_FORCED_LSN, forcedLsn);
    buf.put(start + FRAME_TYPE, type);
    buf.put(start + FRAME_HEADER_SIZE, payload);
    buf.putInt(start + FRAME_CRC, frameCrc(buf, start, payload.length, crc));
    buf.position(start + FRAME_HEADER_SIZE + payload.length);
  }

  /** CRC32C of the frame starting at {@code start} in {@code buf}, skipping the CRC field. */
  static int frameCrc(ByteBuffer buf, int start, int payloadLength, CRC32C crc) {
    crc.reset();
    crc.update(buf.slice(start + FRAME_LENGTH, 4));
    crc.update(buf.slice(start + FRAME_LSN, FRAME_HEADER_SIZE - FRAME_LSN + payloadLength));
    return (int) crc.getValue();
  }

  /** CRC32C of the frame starting at {@code offset} in a mapped segment. */
  static int frameCrc(MemorySegment segment, long offset, int payloadLength, CRC32C crc) {
    crc.reset();
    crc.update(segment.asSlice(offset + FRAME_LENGTH, 4).asByteBuffer());
    crc.update(segment.asSlice(offset + FRAME_LSN, FRAME_HEADER_SIZE - FRAME_LSN + payloadLength).asByteBuffer());
    return (int) crc.getValue();
  }

  /** Bytes a record with this payload takes in a segment. */
  static long frameSize(int payloadLength) {
    return FRAME_HEADER_SIZE + (long) payloadLength;
  }
}
