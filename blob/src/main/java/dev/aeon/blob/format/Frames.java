package dev.aeon.blob.format;

import dev.aeon.common.io.Checksums;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Layout of one blob frame. Frames follow each other from {@link ArenaHeader#DATA_START}, each starting at a
 * multiple of 8.
 *
 * <pre>
 *  0        4        8               16       20       24
 *  +--------+--------+---------------+--------+--------+---------------------+---------+
 *  | state  | crc32c | id (long)     | length | 0      | payload (length B)  | 0 pad   |
 *  | int    | [8,24+length)          | int    |        |                     | to 8    |
 *  +--------+--------+---------------+--------+--------+---------------------+---------+
 * </pre>
 *
 * {@code state} is {@link #LIVE} or {@link #FREE}; 0 means no frame was written here (the end). Its two values
 * are far apart so a flipped bit makes it invalid rather than turning one into the other. Freeing a frame
 * rewrites its first 8 bytes, state and checksum, in one aligned write (see {@link #encodeFreed}): a freed
 * frame's payload may be erased (zeroed) afterwards, so from format version 2 its checksum covers only the
 * header fields after it, {@code [8, 24)} (id, length, reserved), and a damaged length cannot make a scan skip
 * the frames after it unnoticed. In version 1 files a freed frame kept the checksum of its live days, which
 * the erasure voids, so there it is not checked. The pad after the payload is zeros in both versions (every
 * writer wrote them; an erasure zeroes the payload only): no checksum covers it, so a scan checks it.
 */
public final class Frames {

  public static final int STATE_OFFSET = 0;
  public static final int CRC_OFFSET = 4;
  public static final int ID_OFFSET = 8;
  public static final int LENGTH_OFFSET = 16;
  public static final int RESERVED_OFFSET = 20;
  public static final int HEADER_LENGTH = 24;
  public static final int ALIGNMENT = 8;

  /** "LIVE" in ASCII. */
  public static final int LIVE = 0x4556494C;
  /** "FREE" in ASCII. */
  public static final int FREE = 0x45455246;

  public static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
  public static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle STATE = INT.varHandle();

  private Frames() {}

  /** Bytes a frame with {@code payloadLength} bytes occupies, padding included. */
  public static long frameLength(long payloadLength) {
    return (HEADER_LENGTH + payloadLength + ALIGNMENT - 1) & -ALIGNMENT;
  }

  /**
   * Encodes the header of a live frame for blob {@code id} with {@code payload} into {@code buffer[0, 24)},
   * checksum included, so the frame can be written with positional writes.
   */
  public static void encodeHeader(MemorySegment buffer, long id, MemorySegment payload) {
    int length = (int) payload.byteSize();
    buffer.set(INT, STATE_OFFSET, LIVE);
    buffer.set(LONG, ID_OFFSET, id);
    buffer.set(INT, LENGTH_OFFSET, length);
    buffer.set(INT, RESERVED_OFFSET, 0);
    CRC32C crc = new CRC32C();
    Checksums.update(crc, buffer, ID_OFFSET, HEADER_LENGTH - ID_OFFSET);
    Checksums.update(crc, payload, 0, length);
    buffer.set(INT, CRC_OFFSET, (int) crc.getValue());
  }

  /**
   * CRC32C over the header fields after the checksum (id, length, reserved) of the frame at {@code at}: what a
   * freed frame's checksum holds (format version 2 on).
   */
  public static int computeFreedCrc(MemorySegment data, long at) {
    return Checksums.crc32c(data, at + ID_OFFSET, HEADER_LENGTH - ID_OFFSET);
  }

  /**
   * Encodes the first 8 bytes of the frame at {@code at} as freed, state {@link #FREE} and
   * {@link #computeFreedCrc}, into {@code buffer[0, 8)}, so both are written in one aligned write.
   */
  public static void encodeFreed(MemorySegment buffer, MemorySegment data, long at) {
    buffer.set(INT, STATE_OFFSET, FREE);
    buffer.set(INT, CRC_OFFSET, computeFreedCrc(data, at));
  }

  /** CRC32C over id, length, reserved and payload of the frame at {@code at}. */
  public static int computeCrc(MemorySegment data, long at, int length) {
    CRC32C crc = new CRC32C();
    Checksums.update(crc, data, at + ID_OFFSET, HEADER_LENGTH - ID_OFFSET + (long) length);
    return (int) crc.getValue();
  }

  public static int state(MemorySegment data, long at) {
    return (int) STATE.getAcquire(data, at + STATE_OFFSET);
  }

  /** Marks the frame at {@code at} freed with stores into {@code data}: checksum first, then the state. */
  public static void markFree(MemorySegment data, long at) {
    data.set(INT, at + CRC_OFFSET, computeFreedCrc(data, at));
    STATE.setRelease(data, at + STATE_OFFSET, FREE);
  }

  public static long id(MemorySegment data, long at) {
    return data.get(LONG, at + ID_OFFSET);
  }

  public static int length(MemorySegment data, long at) {
    return data.get(INT, at + LENGTH_OFFSET);
  }

  public static int storedCrc(MemorySegment data, long at) {
    return data.get(INT, at + CRC_OFFSET);
  }

  public static int reserved(MemorySegment data, long at) {
    return data.get(INT, at + RESERVED_OFFSET);
  }
}
