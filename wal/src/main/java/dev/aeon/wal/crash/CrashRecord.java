package dev.aeon.wal.crash;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The self-describing payload the crash writer appends: who wrote it, plus filler derived from that, so
 * that the checker can verify the content of any record without having seen its acknowledgement.
 *
 * <pre>
 *   0       8        12       20
 *   +-------+--------+--------+------------------------------------+
 *   | run   | thread | seq    | filler: (seq * 31 + thread) % 241 bytes |
 *   | u64   | u32    | u64    | byte i = run*31 + thread*17 + seq*13 + i |
 *   +-------+--------+--------+------------------------------------+
 * </pre>
 */
record CrashRecord(long run, int thread, long seq) {

  static final byte TYPE = 7;
  private static final int HEADER = 20;

  byte[] encode() {
    int filler = (int) ((seq * 31 + thread) % 241);
    ByteBuffer b = ByteBuffer.allocate(HEADER + filler).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(run).putInt(thread).putLong(seq);
    for (int i = 0; i < filler; i++) {
      b.put(fillerByte(i));
    }
    return b.array();
  }

  private byte fillerByte(int i) {
    return (byte) (run * 31 + thread * 17 + seq * 13 + i);
  }

  /** Decodes and verifies a payload; null if it is not exactly what {@link #encode()} would produce. */
  static CrashRecord decode(ByteBuffer payload) {
    if (payload.remaining() < HEADER) {
      return null;
    }
    ByteBuffer b = payload.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    CrashRecord r = new CrashRecord(b.getLong(), b.getInt(), b.getLong());
    if (r.thread < 0 || r.seq < 0 || b.remaining() != (int) ((r.seq * 31 + r.thread) % 241)) {
      return null;
    }
    for (int i = 0; b.hasRemaining(); i++) {
      if (b.get() != r.fillerByte(i)) {
        return null;
      }
    }
    return r;
  }
}
