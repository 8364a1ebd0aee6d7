package dev.aeon.query.trace;

/**
 * Layout of the meta file ({@code meta.trace}, or {@code meta-<n>.trace} after a compaction: see
 * {@link CheckpointDescriptor}): a {@link FileHeader} (format {@value #FORMAT}, param 0), then
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
 *  kind FREED:  int dictionary id
 * </pre>
 * The CRC covers the kind byte and the payload.
 *
 * <p>A compaction ({@link Trace#stageCheckpoint(long, boolean)}) writes the log anew: every dictionary id in
 * order, as a STRING if a live event or edge uses it, else as FREED (the id stays taken, as event and edge
 * records name ids, but its string is gone); then the current ATTRS of each live event that has any, and a
 * FORGET for each forgotten event. A freed name used again is logged under a new id. A string logged under an
 * id that is FREED takes that id again: earlier versions, which kept freed names in memory until a reopen, logged
 * a name used again before the reopen so.
 */
final class MetaRecordDescriptor {

  static final String FORMAT = "trace.meta";
  static final byte KIND_STRING = 1;
  static final byte KIND_ATTRS = 2;
  static final byte KIND_FORGET = 3;
  static final byte KIND_FREED = 4;

  static final int LENGTH_OFFSET = 0;
  static final int CRC_OFFSET = 4;
  static final int KIND_OFFSET = 8;
  static final int PAYLOAD_OFFSET = 9;

  /** Largest payload: attribute maps are meant to be small. */
  static final int MAX_PAYLOAD = 32 * 1024;

  private MetaRecordDescriptor() {}
}
