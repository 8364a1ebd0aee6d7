package dev.aeon.query.trace;

/**
 * Layout of {@code meta.trace}: a {@link FileHeader} (format {@value #FORMAT}, param 0), then
 * variable-length frames in mutation order, little-endian.
 *
 * <pre>
 *  0        4        8      9
 *  +--------+--------+------+-------------------+
 *  | length | CRC32C | kind | payload (length)  |
 *  +--------+--------+------+-------------------+
 *  kind STRING: int dictionary id, then UTF-8 bytes (sessions, roles, edge types)
 *  kind ATTRS:  long event id, then the complete attribute map ({@link AttributeCodec})
 *  kind FORGET: long event id
 * </pre>
 * The CRC covers the kind byte and the payload.
 */
final class MetaRecordDescriptor {

  static final String FORMAT = "trace.meta";
  static final byte KIND_STRING = 1;
  static final byte KIND_ATTRS = 2;
  static final byte KIND_FORGET = 3;

  static final int LENGTH_OFFSET = 0;
  static final int CRC_OFFSET = 4;
  static final int KIND_OFFSET = 8;
  static final int PAYLOAD_OFFSET = 9;

  /** Largest payload: attribute maps are meant to be small. */
  static final int MAX_PAYLOAD = 32 * 1024;

  private MetaRecordDescriptor() {}
}
