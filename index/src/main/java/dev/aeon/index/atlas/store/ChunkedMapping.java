package dev.aeon.index.atlas.store;

import dev.aeon.common.io.PositionalWriter;
import dev.aeon.common.io.Uninterruptibly;
import dev.aeon.common.io.WrittenExtent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A file of fixed-size units after a {@link FileHeader}, memory-mapped in chunks so that it can grow
 * while readers use the chunks already mapped.
 *
 * <pre>
 *  0        64                       64 + u*unitBytes
 *  +--------+------------------------+--------------------+-----
 *  | header | unit 0 | unit 1 | ...  | unit u             | ...
 *  +--------+------------------------+--------------------+-----
 *           |&lt;---- chunk 0: unitsPerChunk units ----&gt;|&lt;-- chunk 1 ...
 * </pre>
 * Growth maps one more chunk and publishes a new chunk array (copy-on-write, volatile), so a reader
 * that holds a unit number handed out before never sees the array change under it. Only the single
 * writer calls {@link #ensureUnits}, which also writes the file's blocks ahead of the writes into them
 * ({@link WrittenExtent}). All chunks live in one shared arena, closed by {@link #close}.
 *
 * <p>The mappings are read-only: the writer writes through a {@link PositionalWriter} ({@link #write}), out of
 * reach of its thread's interrupts, into the same page cache the mappings show, so readers see each write once
 * it returns. Why not store through a writable mapping: forcing a page the process had stored into makes the
 * kernel write-protect it again and flush it from the TLB of every core running one of the process's threads, an
 * interrupt to each of them per page (each leaving the guest in a virtual machine). Background checkpoints
 * forcing the pages stored into since the last one delayed the readers due to run meanwhile enough to double the
 * contention bench's paced p99 (docs/benchmarks.md). Pages only read through a mapping are written back without any of
 * that.
 */
final class ChunkedMapping implements AutoCloseable {

  private final Path path;
  private final FileChannel channel;
  private final PositionalWriter writer;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment headerSegment;
  private final int unitBytes;
  /**
   * A power of two, so that finding a unit's chunk is a shift and a mask: a search looks up several
   * hundred pages, and two integer divisions per lookup had been a measurable part of it.
   */
  private final int unitsPerChunk;
  private final int chunkShift;
  private volatile MemorySegment[] chunks = new MemorySegment[0];
  private final WrittenExtent written;
  /** Calls of {@link #write} so far (writer only; tests count the writes an operation makes). */
  private long writes;

  private ChunkedMapping(Path path, FileChannel channel, PositionalWriter writer, int unitBytes, int unitsPerChunk,
      long writtenEnd) throws IOException {
    this.path = path;
    this.channel = channel;
    this.writer = writer;
    this.written = new WrittenExtent(writer, writtenEnd);
    this.unitBytes = unitBytes;
    this.unitsPerChunk = Integer.highestOneBit(unitsPerChunk);
    this.chunkShift = Integer.numberOfTrailingZeros(this.unitsPerChunk);
    this.headerSegment = channel.map(FileChannel.MapMode.READ_ONLY, 0, FileHeader.BYTES, arena);
  }

  /** Creates (truncating) the file and writes its header. */
  static ChunkedMapping create(Path path, FileHeader header, int unitBytes, int chunkBytes) throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.READ, StandardOpenOption.WRITE);
    ChunkedMapping m = mapHeader(path, ch, unitBytes, chunkBytes, 0);
    try {
      m.written.ensure(FileHeader.BYTES);
      m.writer.write(MemorySegment.ofArray(header.toBytes()), 0);
    } catch (IOException | RuntimeException e) {
      m.close(); // a full device: the file stays, its channel and mapping do not
      throw e;
    }
    return m;
  }

  /** A mapping of the channel's header and a writer of the file; closes the channel if either fails. */
  private static ChunkedMapping mapHeader(Path path, FileChannel ch, int unitBytes, int chunkBytes, long writtenEnd)
      throws IOException {
    PositionalWriter writer;
    try {
      writer = PositionalWriter.open(path, ch);
    } catch (IOException | RuntimeException e) {
      try (ch) {
        throw e;
      }
    }
    try {
      return new ChunkedMapping(path, ch, writer, unitBytes, Math.max(1, chunkBytes / unitBytes), writtenEnd);
    } catch (IOException | RuntimeException e) {
      try (ch; writer) {
        throw e;
      }
    }
  }

  /** Opens an existing file and maps every chunk that {@code units} units need. */
  static ChunkedMapping open(Path path, int unitBytes, int chunkBytes, int units) throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    long size = ch.size();
    if (size < FileHeader.BYTES) {
      ch.close();
      throw new CorruptIndexException(path, 0, "file of " + size + " bytes is shorter than its header");
    }
    long needed = FileHeader.BYTES + (long) units * unitBytes;
    ChunkedMapping m = mapHeader(path, ch, unitBytes, chunkBytes, needed);
    try {
      if (size < needed) {
        throw new CorruptIndexException(path, size, "file ends before unit " + units + " (needs " + needed + " bytes)");
      }
      m.ensureUnits(units);
    } catch (IOException | RuntimeException e) {
      m.close();
      throw e;
    }
    return m;
  }

  MemorySegment header() {
    return headerSegment;
  }

  Path path() {
    return path;
  }

  int unitBytes() {
    return unitBytes;
  }

  /** Maps chunks until units [0, count) are addressable, their blocks written. Writer only. */
  void ensureUnits(int count) {
    try {
      written.ensure(FileHeader.BYTES + (long) count * unitBytes);
      MemorySegment[] cs = chunks;
      int need = (int) ((count + (long) unitsPerChunk - 1) / unitsPerChunk);
      if (need <= cs.length) {
        return;
      }
      MemorySegment[] grown = Arrays.copyOf(cs, need);
      long chunkBytes = (long) unitsPerChunk * unitBytes;
      for (int c = cs.length; c < need; c++) {
        long position = FileHeader.BYTES + c * chunkBytes;
        grown[c] = Uninterruptibly.call(() -> channel.map(FileChannel.MapMode.READ_ONLY, position, chunkBytes, arena));
      }
      chunks = grown;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot grow " + path + " to " + count + " units", e);
    }
  }

  /** The mapped chunk holding {@code unit}; pair it with {@link #offset}. */
  MemorySegment segment(int unit) {
    return chunks[unit >>> chunkShift];
  }

  /** The byte offset of {@code unit} within {@link #segment}. */
  long offset(int unit) {
    return (long) (unit & (unitsPerChunk - 1)) * unitBytes;
  }

  /** The position of {@code unit} in the file, for error messages. */
  long fileOffset(int unit) {
    return FileHeader.BYTES + (long) unit * unitBytes;
  }

  /**
   * Writes {@code src} at byte {@code offset} of unit {@code unit}, which
   * {@link #ensureUnits} made addressable. Writer only.
   */
  void write(int unit, long offset, MemorySegment src) {
    long position = fileOffset(unit) + offset;
    writes++;
    try {
      writer.write(src, position);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path + " at byte " + position, e);
    }
  }

  /** The calls of {@link #write} since the file was opened. */
  long writes() {
    return writes;
  }

  /** Writes everything written so far to the device. */
  void force() throws IOException {
    channel.force(true);
  }

  @Override
  public void close() throws IOException {
    chunks = new MemorySegment[0];
    arena.close();
    try (channel) {
      writer.close();
    }
  }
}
