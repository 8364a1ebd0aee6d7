package dev.aeon.query.trace;

/**
 * Layout of {@code edges.trace}: a {@link FileHeader} (format {@value #FORMAT}, param = record length),
 * then fixed-size records appended in mutation order, little-endian. Edge indexes count ADD records.
 *
 * <pre>
 *  0    4      8        16       24          32        40         44       48
 *  +----+------+--------+--------+-----------+---------+----------+--------+
 *  | op | type | a      | b      | validFrom | validTo | reserved | CRC32C |
 *  +----+------+--------+--------+-----------+---------+----------+--------+
 *  op ADD:        a = from event id, b = to event id, type = dictionary id of the edge type
 *  op INVALIDATE: a = edge index, validTo = the new end of validity (other fields 0)
 * </pre>
 * The CRC covers bytes 0..43.
 */
final class EdgeRecordDescriptor {

  static final String FORMAT = "trace.edges";
  static final int OP_ADD = 1;
  static final int OP_INVALIDATE = 2;

  static final int OP_OFFSET = 0;
  static final int TYPE_OFFSET = 4;
  static final int A_OFFSET = 8;
  static final int B_OFFSET = 16;
  static final int VALID_FROM_OFFSET = 24;
  static final int VALID_TO_OFFSET = 32;
  static final int RESERVED_OFFSET = 40;
  static final int CRC_OFFSET = 44;
  static final int LENGTH = 48;

  private EdgeRecordDescriptor() {}
}
