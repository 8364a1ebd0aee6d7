package dev.aeon.query.trace;

import dev.aeon.common.io.PositionalWriter;
import dev.aeon.common.io.Uninterruptibly;
import dev.aeon.common.io.WrittenExtent;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

import static dev.aeon.query.trace.EventRecordDescriptor.*;

/**
 * The memory-mapped event records. The file is mapped in chunks of {@link #CHUNK_RECORDS} records as it
 * grows, so appending never remaps what readers are reading; all chunks live in one shared arena that
 * is closed with the file. One writer appends; readers read published slots without locks.
 */
final class EventFile implements AutoCloseable {

  static final int CHUNK_RECORDS = 1 << 16;
  private static final long CHUNK_BYTES = (long) CHUNK_RECORDS * LENGTH;
  private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);

  private final Path path;
  private final FileChannel channel;
  /** Writes out of reach of the writing thread's interrupts, see {@link PositionalWriter}. */
  private final PositionalWriter writer;
  private final Arena arena = Arena.ofShared();
  private volatile MemorySegment[] chunks = new MemorySegment[0];
  /** Written ahead of the records stored into the mapping (see {@link WrittenExtent}). */
  private WrittenExtent written;

  private EventFile(Path path, FileChannel channel, PositionalWriter writer) {
    this.path = path;
    this.channel = channel;
    this.writer = writer;
    this.written = new WrittenExtent(writer, FIRST_RECORD);
  }

  /** Opens or creates the file; checks the header of an existing one. */
  static EventFile open(Path path) throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    try {
      if (ch.size() == 0) {
        ch.write(FileHeader.write(FORMAT, LENGTH), 0);
        ch.force(true);
      } else {
        ByteBuffer header = ByteBuffer.allocate(FileHeader.LENGTH);
        ch.read(header, 0);
        int recordLength = FileHeader.verify(path, header.flip(), FORMAT);
        if (recordLength != LENGTH) {
          throw new TraceCorruptException(path, FileHeader.PARAM_OFFSET, "record length " + recordLength
              + ", expected " + LENGTH);
        }
      }
      return new EventFile(path, ch, PositionalWriter.open(path, ch));
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  Path path() {
    return path;
  }

  /** Writes the record of {@code slot} (writer only; not visible to readers until the caller publishes). */
  void write(int slot, long id, long ts, long blobRef, long vectorId, int session, int role) throws IOException {
    written.ensure(FIRST_RECORD + (slot + 1L) * LENGTH);
    MemorySegment s = chunkForWrite(slot);
    long o = offsetInChunk(slot);
    s.set(LONG, o + ID_OFFSET, id);
    s.set(LONG, o + TS_OFFSET, ts);
    s.set(LONG, o + BLOB_OFFSET, blobRef);
    s.set(LONG, o + VECTOR_OFFSET, vectorId);
    s.set(INT, o + SESSION_OFFSET, session);
    s.set(INT, o + ROLE_OFFSET, role);
    s.set(INT, o + RESERVED_OFFSET, 0);
    s.set(INT, o + CRC_OFFSET, crc(s, o));
  }

  long id(int slot) {
    return chunk(slot).get(LONG, offsetInChunk(slot) + ID_OFFSET);
  }

  long ts(int slot) {
    return chunk(slot).get(LONG, offsetInChunk(slot) + TS_OFFSET);
  }

  long blobRef(int slot) {
    return chunk(slot).get(LONG, offsetInChunk(slot) + BLOB_OFFSET);
  }

  long vectorId(int slot) {
    return chunk(slot).get(LONG, offsetInChunk(slot) + VECTOR_OFFSET);
  }

  int session(int slot) {
    return chunk(slot).get(INT, offsetInChunk(slot) + SESSION_OFFSET);
  }

  int role(int slot) {
    return chunk(slot).get(INT, offsetInChunk(slot) + ROLE_OFFSET);
  }

  /** Checks the CRC of a record read back at open. */
  void verify(int slot) throws IOException {
    MemorySegment s = chunk(slot);
    long o = offsetInChunk(slot);
    if (s.get(INT, o + CRC_OFFSET) != crc(s, o)) {
      throw new TraceCorruptException(path, FIRST_RECORD + (long) slot * LENGTH, "event record " + slot
          + " checksum mismatch");
    }
  }

  /** Maps the chunks that hold the first {@code count} records of an existing file. */
  void mapExisting(int count) throws IOException {
    long needed = FIRST_RECORD + (long) count * LENGTH;
    if (count > 0 && channel.size() < needed) {
      throw new TraceCorruptException(path, channel.size(), "file holds fewer than the " + count
          + " records of the checkpoint");
    }
    if (count > 0) {
      chunkForWrite(count - 1);
    }
    // The whole records after them (appended before a crash, see clearWholeRecordsAfter) are written too: the
    // zeros written ahead of the next append must start after them, or the first append of a replay would
    // zero the records it does not append again before they are found and reported.
    written = new WrittenExtent(writer, needed + (long) wholeRecordIdsAfter(count).length * LENGTH);
  }

  /**
   * Forces records {@code from} (inclusive) to {@code to} (exclusive) to disk, with the rest of their
   * chunks. Records are written once, at the end, so any thread may call it while the writer appends.
   */
  void force(int from, int to) {
    if (from >= to) {
      return;
    }
    MemorySegment[] c = chunks;
    for (int chunk = from / CHUNK_RECORDS; chunk <= (to - 1) / CHUNK_RECORDS; chunk++) {
      c[chunk].force();
    }
  }

  /**
   * Zeroes the whole records (their checksums match) that follow the first {@code count} without a gap, and
   * returns their ids, in order. Slots are appended in order and never rewritten, and opening maps only the
   * records a checkpoint names: records after them were appended before a crash, and recovery appended again
   * what the log held. Zeroed, they are reported once, not at every open until an append overwrites them.
   */
  long[] clearWholeRecordsAfter(int count) throws IOException {
    long[] ids = wholeRecordIdsAfter(count);
    long from = FIRST_RECORD + (long) count * LENGTH;
    long end = from + (long) ids.length * LENGTH;
    ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(end - from, 1 << 16));
    for (long at = from; at < end; ) {
      zeros.clear().limit((int) Math.min(zeros.capacity(), end - at));
      at += channel.write(zeros, at);
    }
    return ids;
  }

  /** The ids of the whole records (their checksums match) that follow the first {@code count} without a gap. */
  private long[] wholeRecordIdsAfter(int count) throws IOException {
    long[] ids = new long[16];
    int found = 0;
    MemorySegment r = Arena.ofAuto().allocate(LENGTH, Long.BYTES); // aligned, as the records in the mapping are
    ByteBuffer record = r.asByteBuffer();
    for (long at = FIRST_RECORD + (long) count * LENGTH; at + LENGTH <= channel.size(); at += LENGTH) {
      record.clear();
      while (record.hasRemaining() && channel.read(record, at + record.position()) > 0) {
        // a short read: read on
      }
      if (record.hasRemaining() || isZero(r) || r.get(INT, CRC_OFFSET) != crc(r, 0)) {
        break;
      }
      if (found == ids.length) {
        ids = Arrays.copyOf(ids, found * 2);
      }
      ids[found++] = r.get(LONG, ID_OFFSET);
    }
    return Arrays.copyOf(ids, found);
  }

  private static boolean isZero(MemorySegment r) {
    return r.mismatch(MemorySegment.ofArray(new byte[LENGTH])) == -1;
  }

  long diskBytes(int count) {
    return FIRST_RECORD + (long) count * LENGTH;
  }

  private MemorySegment chunk(int slot) {
    return chunks[slot / CHUNK_RECORDS];
  }

  private static long offsetInChunk(int slot) {
    return (long) (slot % CHUNK_RECORDS) * LENGTH;
  }

  private MemorySegment chunkForWrite(int slot) throws IOException {
    int chunk = slot / CHUNK_RECORDS;
    MemorySegment[] c = chunks;
    if (chunk < c.length) {
      return c[chunk];
    }
    MemorySegment[] grown = Arrays.copyOf(c, chunk + 1);
    for (int i = c.length; i <= chunk; i++) { // on a thread of its own: this is a writer's thread
      long position = FIRST_RECORD + i * CHUNK_BYTES;
      grown[i] = Uninterruptibly.call(() -> channel.map(FileChannel.MapMode.READ_WRITE, position, CHUNK_BYTES, arena));
    }
    chunks = grown;
    return grown[chunk];
  }

  private static int crc(MemorySegment s, long o) {
    CRC32C crc = new CRC32C();
    crc.update(s.asSlice(o, CRC_OFFSET).asByteBuffer());
    return (int) crc.getValue();
  }

  @Override
  public void close() throws IOException {
    try {
      arena.close(); // no force: a reopen reads only the records a checkpoint forced and names
    } finally {
      try (channel) {
        writer.close();
      }
    }
  }
}
