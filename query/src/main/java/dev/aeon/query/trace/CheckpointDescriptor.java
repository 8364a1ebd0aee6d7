package dev.aeon.query.trace;

/**
 * Layout of {@code checkpoint.trace}, replaced atomically (write a temporary file, force, rename) at
 * every flush: a {@link FileHeader} (format {@value #FORMAT}, version {@value #VERSION}, param: the meta
 * generation), then one record, little-endian.
 *
 * <pre>
 *  32    40      48           56          64           72            76
 *  +-----+-------+------------+-----------+------------+-------------+
 *  | lsn | maxId | eventCount | edgeBytes | metaBytes  | CRC32C      |
 *  +-----+-------+------------+-----------+------------+-------------+
 * </pre>
 * {@code lsn} is the engine's log position the trace state corresponds to; the counts are the durable
 * lengths of the other three files. The CRC covers bytes 32..71.
 *
 * <p>The meta generation names the meta file the checkpoint counts {@code metaBytes} of: {@code meta.trace}
 * for generation 0, {@code meta-<n>.trace} for generation n. A compaction writes the meta log anew under the
 * next generation, and this checkpoint, naming it, is what makes it the trace's; a meta file it does not
 * name is deleted at open. Version 1 (before compactions rewrote the meta log) has param 0 and is read
 * as generation 0.
 */
final class CheckpointDescriptor {

  static final String FORMAT = "trace.checkpoint";
  /** The version written; version 1 is read too. */
  static final int VERSION = 2;
  /** The oldest version read: the layout is the same, the param 0. */
  static final int OLDEST_VERSION = 1;
  static final int LSN_OFFSET = 32;
  static final int MAX_ID_OFFSET = 40;
  static final int EVENT_COUNT_OFFSET = 48;
  static final int EDGE_BYTES_OFFSET = 56;
  static final int META_BYTES_OFFSET = 64;
  static final int CRC_OFFSET = 72;
  static final int LENGTH = 76;

  private CheckpointDescriptor() {}
}
