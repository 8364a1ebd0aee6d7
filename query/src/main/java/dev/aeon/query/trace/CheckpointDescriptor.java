package dev.aeon.query.trace;

/**
 * Layout of {@code checkpoint.trace}, replaced atomically (write a temporary file, force, rename) at
 * every flush: a {@link FileHeader} (format {@value #FORMAT}, param 0), then one record, little-endian.
 *
 * <pre>
 *  32    40      48           56          64           72            76
 *  +-----+-------+------------+-----------+------------+-------------+
 *  | lsn | maxId | eventCount | edgeBytes | metaBytes  | CRC32C      |
 *  +-----+-------+------------+-----------+------------+-------------+
 * </pre>
 * {@code lsn} is the engine's log position the trace state corresponds to; the counts are the durable
 * lengths of the other three files. The CRC covers bytes 32..71.
 */
final class CheckpointDescriptor {

  static final String FORMAT = "trace.checkpoint";
  static final int LSN_OFFSET = 32;
  static final int MAX_ID_OFFSET = 40;
  static final int EVENT_COUNT_OFFSET = 48;
  static final int EDGE_BYTES_OFFSET = 56;
  static final int META_BYTES_OFFSET = 64;
  static final int CRC_OFFSET = 72;
  static final int LENGTH = 76;

  private CheckpointDescriptor() {}
}
