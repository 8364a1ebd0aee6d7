package dev.aeon.blob.format;

import dev.aeon.common.io.Checksums;
import dev.aeon.common.io.CorruptFileException;
import dev.aeon.common.io.FormatTooNewException;
import dev.aeon.common.io.FormatTooOldException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The 128-byte header at the start of every generation file {@code blobs-<generation>.arena}.
 *
 * <pre>
 *  0       8                      24      28      32              40      44      48
 *  +-------+----------------------+-------+-------+---------------+-------+-------+
 *  | magic | format name (ASCII,  | vers. | 0     | generation    | crc32c| 0     |  static part,
 *  |"AEON  | zero padded to 16)   | int   |       | long          | [0,40)|       |  written once
 *  | BLOB" |                      |       |       |               |       |       |
 *  +-------+----------------------+-------+-------+---------------+-------+-------+
 *  48: commit slot 0, 80: commit slot 1 (32 bytes each, written alternately by force):
 *  +-----------+---------------+--------------+-------------------+-----+
 *  | seq long  | committedEnd  | idLimit long | crc32c [slot,+24) | 0   |
 *  +-----------+---------------+--------------+-------------------+-----+
 *  112..128: zero. Frames start at 128 ({@link #DATA_START}).
 * </pre>
 *
 * The commit slot with the highest sequence number and a valid checksum wins, so a torn write of one slot
 * leaves the previous commit in force. {@code committedEnd}: every frame before it was forced to disk and
 * must be valid; frames after it are a tail that a crash may have torn. {@code idLimit}: no blob id at or
 * above it has been handed out; the arena reserves ids ahead (a header-only commit) and starts at the limit
 * after a crash, so an id is never handed out twice, even when the blob that had it was lost in the crash.
 */
public final class ArenaHeader {

  public static final long MAGIC = 0x424F4C424E4F4541L; // "AEONBLOB" read as a little-endian long
  public static final String FORMAT = "aeon-blob-arena";
  /** 2: a freed frame's checksum covers its header ({@link Frames}); version 1 files are still read. */
  public static final int VERSION = 2;
  public static final int OLDEST_READABLE_VERSION = 1;
  /** The first version whose freed frames carry a checksum of their header. */
  public static final int FREED_FRAME_CRC_VERSION = 2;

  public static final int MAGIC_OFFSET = 0;
  public static final int FORMAT_OFFSET = 8;
  public static final int FORMAT_LENGTH = 16;
  public static final int VERSION_OFFSET = 24;
  public static final int GENERATION_OFFSET = 32;
  public static final int STATIC_CRC_OFFSET = 40;
  public static final int COMMIT_SLOT_0 = 48;
  public static final int COMMIT_SLOT_LENGTH = 32;
  public static final int SLOT_SEQ = 0;
  public static final int SLOT_COMMITTED_END = 8;
  public static final int SLOT_ID_LIMIT = 16;
  public static final int SLOT_CRC = 24;
  public static final int DATA_START = 128;

  private static final ValueLayout.OfLong LONG =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfInt INT =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

  /** A decoded commit slot. */
  public record Commit(long seq, long committedEnd, long idLimit) {}

  private ArenaHeader() {}

  /** Writes the static part and commit slot 0 with sequence 1. */
  public static void writeNew(MemorySegment file, long generation, long idLimit) {
    file.asSlice(0, DATA_START).fill((byte) 0);
    file.set(LONG, MAGIC_OFFSET, MAGIC);
    byte[] name = FORMAT.getBytes(StandardCharsets.US_ASCII);
    MemorySegment.copy(MemorySegment.ofArray(name), 0, file, FORMAT_OFFSET, name.length);
    file.set(INT, VERSION_OFFSET, VERSION);
    file.set(LONG, GENERATION_OFFSET, generation);
    file.set(INT, STATIC_CRC_OFFSET, Checksums.crc32c(file, 0, STATIC_CRC_OFFSET));
    writeCommit(file, new Commit(1, DATA_START, idLimit));
  }

  /** Writes {@code commit} into the slot its sequence number selects (odd: 0, even: 1). */
  public static void writeCommit(MemorySegment file, Commit commit) {
    long slot = COMMIT_SLOT_0 + (commit.seq() & 1 ^ 1) * COMMIT_SLOT_LENGTH;
    file.set(LONG, slot + SLOT_SEQ, commit.seq());
    file.set(LONG, slot + SLOT_COMMITTED_END, commit.committedEnd());
    file.set(LONG, slot + SLOT_ID_LIMIT, commit.idLimit());
    file.set(INT, slot + SLOT_CRC, Checksums.crc32c(file, slot, SLOT_CRC));
  }

  /**
   * Checks the static part and returns the latest valid commit.
   *
   * @param fileSize bytes in the file, which may be fewer than the header
   * @throws CorruptFileException on a bad magic, name, checksum, generation, padding or commit
   * @throws FormatTooOldException / FormatTooNewException for a version this code does not read
   */
  public static Commit read(MemorySegment file, long fileSize, Path path, long expectedGeneration) {
    if (fileSize < DATA_START) {
      throw new CorruptFileException(path, 0, "file of " + fileSize + " bytes is shorter than the header");
    }
    if (file.get(LONG, MAGIC_OFFSET) != MAGIC) {
      throw new CorruptFileException(path, MAGIC_OFFSET, "not a blob arena (bad magic)");
    }
    byte[] name = FORMAT.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < FORMAT_LENGTH; i++) {
      byte expected = i < name.length ? name[i] : 0;
      if (file.get(ValueLayout.JAVA_BYTE, FORMAT_OFFSET + i) != expected) {
        throw new CorruptFileException(path, FORMAT_OFFSET + i, "format name is not " + FORMAT);
      }
    }
    int version = file.get(INT, VERSION_OFFSET);
    boolean checksumHolds = file.get(INT, STATIC_CRC_OFFSET) == Checksums.crc32c(file, 0, STATIC_CRC_OFFSET);
    // A version this code does not read is reported as such only if the checksum holds: otherwise the version
    // field may be what is damaged, and "written by a newer release" would send its user to the wrong remedy.
    if (!checksumHolds && (version < OLDEST_READABLE_VERSION || version > VERSION)) {
      throw new CorruptFileException(path, STATIC_CRC_OFFSET, "header checksum mismatch, and its version field"
          + " reads " + version + ", which this release does not read (" + OLDEST_READABLE_VERSION + " to " + VERSION
          + "): damage, or a header of another release's layout");
    }
    if (version < OLDEST_READABLE_VERSION) {
      throw new FormatTooOldException(path, VERSION_OFFSET, FORMAT, version, OLDEST_READABLE_VERSION);
    }
    if (version > VERSION) {
      throw new FormatTooNewException(path, VERSION_OFFSET, FORMAT, version, VERSION);
    }
    if (!checksumHolds) {
      throw new CorruptFileException(path, STATIC_CRC_OFFSET, "header checksum mismatch");
    }
    long generation = file.get(LONG, GENERATION_OFFSET);
    if (generation != expectedGeneration) {
      throw new CorruptFileException(path, GENERATION_OFFSET,
          "header names generation " + generation + " but the file name says " + expectedGeneration);
    }
    long nonZero = firstNonZeroPadding(file);
    if (nonZero >= 0) {
      throw new CorruptFileException(path, nonZero, "header padding is not zero");
    }
    Commit best = null;
    for (int i = 0; i < 2; i++) {
      Commit c = readSlot(file, COMMIT_SLOT_0 + (long) i * COMMIT_SLOT_LENGTH);
      if (c != null && (best == null || c.seq() > best.seq())) {
        best = c;
      }
    }
    if (best == null) {
      throw new CorruptFileException(path, COMMIT_SLOT_0, "neither commit slot is valid");
    }
    if (best.committedEnd() < DATA_START || best.committedEnd() > fileSize || (best.committedEnd() & 7) != 0
        || best.idLimit() < 1) {
      throw new CorruptFileException(path, COMMIT_SLOT_0, "commit " + best + " is out of range for a file of "
          + fileSize + " bytes");
    }
    return best;
  }

  /**
   * The first byte of the header's zero padding outside the static part's checksum (after that checksum, after
   * each commit slot's, and from the end of the slots to {@link #DATA_START}) that is not zero, or -1. Every
   * writer leaves it zero and none writes it again, so anything else there is damage; the checksums do not
   * cover it, so without this it went unnoticed.
   */
  private static long firstNonZeroPadding(MemorySegment file) {
    long slot1 = COMMIT_SLOT_0 + COMMIT_SLOT_LENGTH;
    long[][] padding = {{STATIC_CRC_OFFSET + 4, COMMIT_SLOT_0}, {COMMIT_SLOT_0 + SLOT_CRC + 4, slot1},
        {slot1 + SLOT_CRC + 4, slot1 + COMMIT_SLOT_LENGTH}, {slot1 + COMMIT_SLOT_LENGTH, DATA_START}};
    for (long[] range : padding) {
      for (long at = range[0]; at < range[1]; at++) {
        if (file.get(ValueLayout.JAVA_BYTE, at) != 0) {
          return at;
        }
      }
    }
    return -1;
  }

  /** The format version of a header that {@link #read} accepted. */
  public static int version(MemorySegment file) {
    return file.get(INT, VERSION_OFFSET);
  }

  private static Commit readSlot(MemorySegment file, long slot) {
    if (file.get(INT, slot + SLOT_CRC) != Checksums.crc32c(file, slot, SLOT_CRC)) {
      return null;
    }
    long seq = file.get(LONG, slot + SLOT_SEQ);
    return seq < 1 ? null
        : new Commit(seq, file.get(LONG, slot + SLOT_COMMITTED_END), file.get(LONG, slot + SLOT_ID_LIMIT));
  }
}
