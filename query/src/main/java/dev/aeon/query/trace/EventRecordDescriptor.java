package dev.aeon.query.trace;

/**
 * Layout of {@code events.trace}: a {@link FileHeader} (format {@value #FORMAT}, param = record length),
 * padded to {@link #FIRST_RECORD}, then fixed-size event records in append (slot) order, little-endian.
 *
 * <pre>
 *  0        8        16        24         32        36     40         44       48
 *  +--------+--------+---------+----------+---------+------+----------+--------+
 *  | id     | ts µs  | blobRef | vectorId | session | role | reserved | CRC32C |
 *  +--------+--------+---------+----------+---------+------+----------+--------+
 * </pre>
 * {@code session} and {@code role} are ids in the trace's string dictionary. The CRC covers bytes 0..43.
 * Records are written once and never changed: forgetting and attribute updates are logged in the meta
 * log, so a record below the checkpointed count is always exactly what the checkpoint saw.
 */
final class EventRecordDescriptor {

  static final String FORMAT = "trace.events";
  static final int FIRST_RECORD = 64;

  static final int ID_OFFSET = 0;
  static final int TS_OFFSET = 8;
  static final int BLOB_OFFSET = 16;
  static final int VECTOR_OFFSET = 24;
  static final int SESSION_OFFSET = 32;
  static final int ROLE_OFFSET = 36;
  static final int RESERVED_OFFSET = 40;
  static final int CRC_OFFSET = 44;
  static final int LENGTH = 48;

  private EventRecordDescriptor() {}
}
