package dev.aeon.blob;

import dev.aeon.blob.format.Frames;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * A thread's buffer and checksum for {@link BlobArena#readString}, kept from one read to the next. A recall reads
 * the text of each of its results; made anew for every read, a copy of the record, its checksum and the buffers
 * that checksum took were about a third of what a recall allocated.
 *
 * <p>The bytes a frame's checksum covers are copied here, checked and decoded from this copy, so the text is
 * exactly the bytes the checksum held. Nothing of one read reaches the next: the checksum starts afresh for every
 * record, and a text is decoded from the bytes its record copied, never past them
 * (ReadStringTest). Nothing runs between the copy and the decode, so one
 * thread's reads cannot overlap. Records larger than {@link #MAX_KEPT} are not copied here, so a thread holds at
 * most that much between reads.
 */
final class ReadScratch {

  /** The largest payload read through a thread's buffer. */
  static final int MAX_KEPT = 16 << 10;

  /** Bytes of the frame header the checksum covers, before the payload: id, length, reserved. */
  private static final int CHECKED_HEADER = Frames.HEADER_LENGTH - Frames.ID_OFFSET;

  private static final ThreadLocal<ReadScratch> OF_THREAD = ThreadLocal.withInitial(ReadScratch::new);

  private final CRC32C crc = new CRC32C();
  private byte[] record = new byte[256];
  private int recordLength;

  private ReadScratch() {}

  /** The calling thread's scratch. */
  static ReadScratch ofThread() {
    return OF_THREAD.get();
  }

  /**
   * Copies what the checksum of the frame at {@code at} covers: its header after the checksum and its
   * {@code length} bytes of payload, at most {@link #MAX_KEPT}.
   */
  void copyRecord(MemorySegment data, long at, int length) {
    if (length < 0 || length > MAX_KEPT) {
      throw new IllegalArgumentException("length must be in [0, " + MAX_KEPT + "]: " + length);
    }
    int n = CHECKED_HEADER + length;
    if (record.length < n) {
      record = new byte[Math.max(n, Math.min(2 * record.length, CHECKED_HEADER + MAX_KEPT))];
    }
    MemorySegment.copy(data, ValueLayout.JAVA_BYTE, at + Frames.ID_OFFSET, record, 0, n);
    recordLength = n;
  }

  /** CRC32C of the record copied last, as {@link Frames#computeCrc} computes it on the frame. */
  int recordCrc() {
    crc.reset();
    crc.update(record, 0, recordLength);
    return (int) crc.getValue();
  }

  /** The payload of the record copied last, decoded as UTF-8 (malformed input replaced, as {@code new String} does). */
  String text() {
    return new String(record, CHECKED_HEADER, recordLength - CHECKED_HEADER, StandardCharsets.UTF_8);
  }
}
