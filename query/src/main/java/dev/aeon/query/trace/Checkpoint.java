package dev.aeon.query.trace;

import dev.aeon.common.io.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.aeon.query.trace.CheckpointDescriptor.*;

/** The durable state of a trace directory: see {@link CheckpointDescriptor}. */
record Checkpoint(long lsn, long maxId, int eventCount, long edgeBytes, long metaBytes) {

  static final String FILE = "checkpoint.trace";
  static final Checkpoint EMPTY = new Checkpoint(-1, Long.MIN_VALUE, 0, -1, -1);

  /** The checkpoint of {@code dir}, or {@link #EMPTY} for a new directory. */
  static Checkpoint read(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    if (!Files.exists(file)) {
      return EMPTY;
    }
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    FileHeader.verify(file, b, FORMAT);
    if (b.remaining() < LENGTH) {
      throw new TraceCorruptException(file, b.remaining(), "checkpoint truncated");
    }
    if (b.getInt(CRC_OFFSET) != FileHeader.crc(b, LSN_OFFSET, CRC_OFFSET)) {
      throw new TraceCorruptException(file, CRC_OFFSET, "checkpoint checksum mismatch");
    }
    long count = b.getLong(EVENT_COUNT_OFFSET);
    if (count < 0 || count > Integer.MAX_VALUE) {
      throw new TraceCorruptException(file, EVENT_COUNT_OFFSET, "event count " + count + " out of range");
    }
    return new Checkpoint(b.getLong(LSN_OFFSET), b.getLong(MAX_ID_OFFSET), (int) count,
        b.getLong(EDGE_BYTES_OFFSET), b.getLong(META_BYTES_OFFSET));
  }

  /** Writes this checkpoint atomically: a crash leaves either the old or the new one. */
  void write(Path dir) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    b.put(FileHeader.write(FORMAT, 0));
    b.putLong(LSN_OFFSET, lsn).putLong(MAX_ID_OFFSET, maxId).putLong(EVENT_COUNT_OFFSET, eventCount)
        .putLong(EDGE_BYTES_OFFSET, edgeBytes).putLong(META_BYTES_OFFSET, metaBytes);
    b.putInt(CRC_OFFSET, FileHeader.crc(b, LSN_OFFSET, CRC_OFFSET));
    b.position(0).limit(LENGTH);
    DurableFiles.replace(dir.resolve(FILE), b);
  }
}
