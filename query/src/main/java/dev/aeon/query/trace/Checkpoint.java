package dev.aeon.query.trace;

import dev.aeon.common.io.BoundedRead;
import dev.aeon.common.io.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.aeon.query.trace.CheckpointDescriptor.*;

/** The durable state of a trace directory: see {@link CheckpointDescriptor}. */
record Checkpoint(long lsn, long maxId, int eventCount, long edgeBytes, long metaBytes, int metaGeneration) {

  static final String FILE = "checkpoint.trace";
  /** A checkpoint file longer than this is not one, of this release or another: it is refused before it is read. */
  static final int MAX_BYTES = 64 << 10;
  static final Checkpoint EMPTY = new Checkpoint(-1, Long.MIN_VALUE, 0, -1, -1);

  /** A checkpoint of the first meta file, {@code meta.trace} (generation 0). */
  Checkpoint(long lsn, long maxId, int eventCount, long edgeBytes, long metaBytes) {
    this(lsn, maxId, eventCount, edgeBytes, metaBytes, 0);
  }

  /** The name of the meta file of a generation: {@code meta.trace} for 0, {@code meta-<n>.trace} after. */
  static String metaFile(int generation) {
    return generation == 0 ? Trace.META_FILE : "meta-" + generation + ".trace";
  }

  /** The generation a meta file's name gives, or -1 if it does not name one ({@link #metaFile}). */
  static int metaGeneration(String fileName) {
    if (fileName.equals(Trace.META_FILE)) {
      return 0;
    }
    if (!fileName.startsWith("meta-") || !fileName.endsWith(".trace")) {
      return -1;
    }
    String digits = fileName.substring("meta-".length(), fileName.length() - ".trace".length());
    if (digits.isEmpty() || digits.length() > 10 || digits.startsWith("0")
        || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    long n = Long.parseLong(digits);
    return n > Integer.MAX_VALUE ? -1 : (int) n;
  }

  /** The checkpoint of {@code dir}, or {@link #EMPTY} for a new directory. */
  static Checkpoint read(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    if (!Files.exists(file)) {
      return EMPTY;
    }
    // Its size must not size the array (past 2 GiB, an OutOfMemoryError), nor a file that grew after it was taken
    // be read whole.
    byte[] bytes = BoundedRead.readAtMost(file, MAX_BYTES, size -> new TraceCorruptException(file, MAX_BYTES,
        "checkpoint file of " + size + " bytes, where a checkpoint takes " + CheckpointDescriptor.LENGTH));
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int param = FileHeader.verify(file, b, FORMAT, OLDEST_VERSION, VERSION);
    int generation = FileHeader.version(b) == OLDEST_VERSION ? 0 : param; // version 1 had only meta.trace
    if (generation < 0 || generation == Integer.MAX_VALUE) { // the last: the next compaction could not name one
      throw new TraceCorruptException(file, FileHeader.PARAM_OFFSET, "meta generation " + param + " out of range");
    }
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
    // Every checkpoint written names at least the header of each append file. A shorter length would cut the
    // header off at open, and a negative one (which only the unwritten empty checkpoint has) discards the file.
    checkAppendFileLength(file, EDGE_BYTES_OFFSET, b.getLong(EDGE_BYTES_OFFSET), "edge");
    checkAppendFileLength(file, META_BYTES_OFFSET, b.getLong(META_BYTES_OFFSET), "meta");
    return new Checkpoint(b.getLong(LSN_OFFSET), b.getLong(MAX_ID_OFFSET), (int) count,
        b.getLong(EDGE_BYTES_OFFSET), b.getLong(META_BYTES_OFFSET), generation);
  }

  private static void checkAppendFileLength(Path file, int offset, long length, String which)
      throws TraceCorruptException {
    if (length < FileHeader.LENGTH) {
      throw new TraceCorruptException(file, offset, which + " file length " + length + " is shorter than its "
          + FileHeader.LENGTH + "-byte header");
    }
  }

  /**
   * Checks the largest event id against the id of the last event record it counts ({@code lastId}, or
   * {@link Long#MIN_VALUE} if it counts none): appends set both, so they are equal. A smaller one would let
   * an append of an id below the last one through, and the file would not open again; a larger one would
   * make appends (and the engine's replay) skip the events between as already applied.
   */
  void checkMaxId(Path dir, long lastId) throws TraceCorruptException {
    if (maxId != lastId) {
      throw new TraceCorruptException(dir.resolve(FILE), MAX_ID_OFFSET, "largest event id " + maxId
          + ", but the last of the " + eventCount + " event records it counts has id " + lastId);
    }
  }

  /** Writes this checkpoint atomically: a crash leaves either the old or the new one. */
  void write(Path dir) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    b.put(FileHeader.write(FORMAT, VERSION, metaGeneration));
    b.putLong(LSN_OFFSET, lsn).putLong(MAX_ID_OFFSET, maxId).putLong(EVENT_COUNT_OFFSET, eventCount)
        .putLong(EDGE_BYTES_OFFSET, edgeBytes).putLong(META_BYTES_OFFSET, metaBytes);
    b.putInt(CRC_OFFSET, FileHeader.crc(b, LSN_OFFSET, CRC_OFFSET));
    b.position(0).limit(LENGTH);
    DurableFiles.replace(dir.resolve(FILE), b);
  }
}
