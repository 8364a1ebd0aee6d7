package dev.aeon.query.trace;

import dev.aeon.common.io.PositionalWriter;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An append-only file behind a {@link FileHeader}, written through a buffer and a {@link PositionalWriter}
 * (out of reach of the writing thread's interrupts). Its durable length is the
 * one the last checkpoint recorded: opening truncates whatever was appended after it, because the
 * engine replays those mutations from its write-ahead log.
 */
final class AppendFile implements AutoCloseable {

  /** The largest record, and the most the buffer grows to. */
  private static final int MAX_BUFFER = 1 << 16;
  /**
   * The buffer's capacity when the first record comes: a server may hold thousands of namespaces that append a
   * few small records between checkpoints. It doubles each time it fills, up to {@link #MAX_BUFFER}.
   */
  private static final int FIRST_BUFFER = 1 << 12;
  private static final ByteBuffer NONE_YET = ByteBuffer.allocate(0);

  private final Path path;
  private final FileChannel channel;
  private final PositionalWriter writer;
  private ByteBuffer buffer = NONE_YET; // a file that is never appended to (a trace without links) holds none
  private long written;

  private AppendFile(Path path, FileChannel channel, PositionalWriter writer, long length) {
    this.path = path;
    this.channel = channel;
    this.writer = writer;
    this.written = length;
  }

  /**
   * Opens or creates the file, checks its header and truncates it to {@code length} bytes
   * ({@code < 0}: a new file, whatever is there is discarded). Returns the header param via the file.
   */
  static AppendFile open(Path path, String format, int param, long length) throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    try {
      if (ch.size() == 0 && length > FileHeader.LENGTH) {
        // Not a new file: the checkpoint names records in it. Lost or emptied, it cannot be recreated.
        throw new TraceCorruptException(path, 0, "file is empty or missing, but the checkpoint names "
            + length + " bytes of it");
      }
      if (length < 0 || ch.size() == 0) {
        ch.truncate(0);
        ch.write(FileHeader.write(format, param), 0);
        length = FileHeader.LENGTH;
      } else {
        ByteBuffer header = ByteBuffer.allocate(FileHeader.LENGTH);
        ch.read(header, 0);
        int found = FileHeader.verify(path, header.flip(), format);
        if (found != param) {
          throw new TraceCorruptException(path, FileHeader.PARAM_OFFSET, "header param " + found
              + ", expected " + param);
        }
        if (ch.size() < length) {
          throw new TraceCorruptException(path, ch.size(), "file shorter than the checkpointed " + length
              + " bytes");
        }
        ch.truncate(length);
      }
      return new AppendFile(path, ch, PositionalWriter.open(path, ch), length);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  Path path() {
    return path;
  }

  /** Bytes appended so far (buffered or not). */
  long length() {
    return written + buffer.position();
  }

  /** A buffer with at least {@code bytes} free to append into (writer only). */
  ByteBuffer reserve(int bytes) throws IOException {
    if (bytes > MAX_BUFFER) {
      throw new IllegalArgumentException("record of " + bytes + " bytes is larger than " + MAX_BUFFER);
    }
    if (buffer.remaining() < bytes) {
      drain();
      if (buffer.capacity() < MAX_BUFFER) { // it filled: fewer, larger writes
        int grown = Math.max(Math.max(FIRST_BUFFER, 2 * buffer.capacity()), Integer.highestOneBit(bytes - 1) << 1);
        buffer = ByteBuffer.allocateDirect(Math.min(MAX_BUFFER, grown)).order(ByteOrder.LITTLE_ENDIAN);
      }
    }
    return buffer;
  }

  /**
   * Takes back what was appended after {@code length} (a {@link #length()} read before, by the writer): the records of
   * a change that could not log all of them (a full device part way), which must not be named by the next
   * checkpoint. Those in the buffer are dropped; those a write already put in the file past {@code length} are
   * written over by the next appends, and cut off by an open before that (no checkpoint names them).
   */
  void rollBackTo(long length) {
    if (length < FileHeader.LENGTH || length > length()) {
      throw new IllegalArgumentException("cannot roll back to " + length + " bytes: " + length() + " appended");
    }
    if (length >= written) {
      buffer.position((int) (length - written)); // a failed write leaves the buffer as it was (see drain)
    } else {
      // A write went through since: the buffer holds only records after length, the file the rest of them.
      written = length;
      buffer.clear();
    }
  }

  /**
   * Maps the whole durable content after the header (for the rebuild at open), valid until {@code arena}
   * closes. A mapped segment, not a buffer: a buffer holds at most 2 GiB, and a copy on the heap would
   * take as much heap as the file has bytes.
   */
  MemorySegment map(Arena arena) throws IOException {
    return channel.map(FileChannel.MapMode.READ_ONLY, FileHeader.LENGTH, written - FileHeader.LENGTH, arena);
  }

  /** Writes the buffer out to the operating system (writer only); returns the length written. */
  long writeBuffered() throws IOException {
    drain();
    return written;
  }

  /** Forces what was written out to disk; any thread may call it while the writer appends. */
  void forceWritten() throws IOException {
    channel.force(false);
  }

  /**
   * Writes the buffered bytes at the end of the file. A write that fails (a full device) leaves them buffered, and
   * the next drain writes them again, at the same offset: an engine goes on after a failed checkpoint, and
   * appends after it must come after them. Before, the buffer was left flipped: the next drain wrote nothing and
   * the next append overwrote them, so a checkpoint after a failed one named a file without them.
   */
  private void drain() throws IOException {
    int n = buffer.position();
    if (n == 0) {
      return;
    }
    writer.write(MemorySegment.ofBuffer(buffer.slice(0, n)), written);
    written += n;
    buffer.clear();
  }

  long diskBytes() {
    return length();
  }

  @Override
  public void close() throws IOException {
    try (channel; writer) {
      drain();
    }
  }
}
