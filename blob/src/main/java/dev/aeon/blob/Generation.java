package dev.aeon.blob;

import dev.aeon.blob.format.ArenaHeader;
import dev.aeon.blob.format.Frames;
import dev.aeon.common.ebr.Epochs;
import dev.aeon.common.io.DurableFiles;
import dev.aeon.common.io.PositionalWriter;
import dev.aeon.common.io.Uninterruptibly;
import dev.aeon.common.io.WrittenExtent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One generation file {@code blobs-<n>.arena}, memory-mapped read-write. The writer appends frames at
 * {@link #end}; growing maps a bigger region, and the previous mapping is retired through EBR so readers that
 * still hold slices of it keep reading. Not thread-safe: the arena's write lock guards every mutation.
 */
final class Generation {

  /** Makes a directory's entries durable; a test puts in one that fails. */
  @FunctionalInterface
  interface DirectorySync {
    DirectorySync DURABLE = DurableFiles::fsyncDirectory;

    void sync(Path dir) throws IOException;
  }

  private static final Pattern NAME = Pattern.compile("blobs-(\\d{1,18})\\.arena(\\.tmp)?");
  private static final long ONE_MIB = 1L << 20;
  private static final long MAX_GROWTH_STEP = 1L << 30;
  private static final long ZERO_AHEAD = 4L << 20;
  /** What {@link #erase} writes over a freed payload, a piece at a time. */
  private static final MemorySegment ZEROS = Arena.global().allocate(64 << 10).asReadOnly();
  private static final MemorySegment ONE_ZERO = ZEROS.asSlice(0, 1);

  final long number;
  private Path path;
  private final FileChannel channel;
  /** Writes out of reach of the writing thread's interrupts, see {@link PositionalWriter}. */
  private final PositionalWriter writer;
  private Arena arena;
  private MemorySegment data;
  /** Offset of the next frame: every byte before it belongs to a complete frame. */
  private long end;
  /** Written (zeros at least) ahead of the stores into the mapping: no block allocation at a store there. */
  private final WrittenExtent written;
  private long commitSeq;
  private long committedEnd;
  /** No id at or above this has been handed out; durable in the last commit. */
  private long idLimit;
  /**
   * Format version of the file: a version 1 file opened by this release stays version 1 (its header is
   * written once), and its freed frames are checked as version 1 ones until a collection copies it.
   */
  private int version = ArenaHeader.VERSION;
  /** State and checksum of a frame being freed, as {@link #markFree} writes them. */
  private final MemorySegment freedHead = Arena.ofAuto().allocate(8, 8);
  /** Set once a newer generation replaced this one; its file is gone and its mapping on the way out. */
  private boolean collected;

  private Generation(long number, Path path, FileChannel channel, PositionalWriter writer) {
    this.number = number;
    this.path = path;
    this.channel = channel;
    this.writer = writer;
    this.written = new WrittenExtent(writer, 0);
  }

  /** A generation of the file that {@code ch} has open; closes the channel if no writer of it can be opened. */
  private static Generation of(long number, Path file, FileChannel ch) throws IOException {
    try {
      return new Generation(number, file, ch, PositionalWriter.open(file, ch));
    } catch (IOException | RuntimeException e) {
      try (ch) {
        throw e;
      }
    }
  }

  static Path fileFor(Path dir, long number) {
    return dir.resolve("blobs-" + number + ".arena");
  }

  static Path tempFileFor(Path dir, long number) {
    return dir.resolve("blobs-" + number + ".arena.tmp");
  }

  /** The generation number of a generation file or temp file name, or -1 for other names. */
  static long numberOf(Path file, boolean temp) {
    Matcher m = NAME.matcher(file.getFileName().toString());
    return m.matches() && (m.group(2) != null) == temp ? Long.parseLong(m.group(1)) : -1;
  }

  /**
   * Creates {@code file} (replacing a leftover) with a committed, empty header; the caller renames it. If that
   * fails (a full device), the file is closed and deleted: a collection that failed left it behind, empty.
   */
  static Generation create(Path file, long number, long capacity, long idLimit) throws IOException {
    Files.deleteIfExists(file);
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    Generation g = null;
    try {
      g = of(number, file, ch);
      g.extendFile(0, roundUp(Math.max(capacity, ArenaHeader.DATA_START), ONE_MIB)); // created empty
      g.map();
      // The header's page is written before it is stored into: a store into a hole that the device cannot
      // back is a SIGBUS (an InternalError), where a full device must be an IOException
      g.zeroAhead(ArenaHeader.DATA_START);
      ArenaHeader.writeNew(g.data, number, idLimit);
      g.setCommitted(new ArenaHeader.Commit(1, ArenaHeader.DATA_START, idLimit));
      g.setEnd(ArenaHeader.DATA_START);
      return g;
    } catch (IOException | RuntimeException e) {
      try {
        if (g != null) { // else of() closed the channel
          g.closeNow();
        }
        Files.deleteIfExists(file);
      } catch (IOException | RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /** Opens and maps an existing generation file; the header is not checked yet. */
  static Generation open(Path file, long number) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    Generation g = of(number, file, ch);
    try {
      g.map();
      return g;
    } catch (IOException | RuntimeException e) {
      g.closeNow();
      throw e;
    }
  }

  Path path() {
    return path;
  }

  MemorySegment data() {
    return data;
  }

  long end() {
    return end;
  }

  long capacity() {
    return data.byteSize();
  }

  /** Adopts the commit found in the header (recovery) or just written. */
  void setCommitted(ArenaHeader.Commit c) {
    commitSeq = c.seq();
    committedEnd = c.committedEnd();
    idLimit = c.idLimit();
  }

  long idLimit() {
    return idLimit;
  }

  int version() {
    return version;
  }

  /** Adopts the version found in the header (recovery). */
  void setVersion(int value) {
    version = value;
  }

  /**
   * Makes room for {@code needed} bytes: extends the file and maps it whole (see {@link #data()}). Returns
   * the old mapping's arena, which the caller retires through EBR only after publishing the new mapping:
   * a reader that enters between a retirement and the publication would still find the old one.
   */
  Arena grow(long needed) throws IOException {
    long cap = capacity();
    long target = Math.max(needed, cap + Math.min(cap, MAX_GROWTH_STEP));
    extendFile(cap, roundUp(target, ONE_MIB)); // the mapping covers the whole file
    Arena old = arena;
    map();
    return old;
  }

  /**
   * Appends a live frame at {@link #end} and returns its offset. Small frames ({@code staging} null) are stored
   * into the mapping, big ones written with positional writes through {@code staging} (page-aligned, at least
   * one page).
   *
   * <p>Why: the first store into a page of a sparse mapped file costs a page fault plus a block allocation
   * (measured here: 1.3 to 3 us per 600-byte append), a positional write costs a system call (7 to 14 us per
   * append), a store into a page that was already written costs nothing of the sort (0.04 to 0.5 us). So the
   * file is filled with zeros by positional writes {@link #ZERO_AHEAD} bytes ahead of the end, and small
   * frames are stored into pages that are already allocated.
   */
  long appendFrame(long id, MemorySegment payload, MemorySegment staging) throws IOException {
    long at = end;
    long length = payload.byteSize();
    long frameLength = Frames.frameLength(length);
    if (staging == null) {
      zeroAhead(at + frameLength);
      Frames.encodeHeader(data.asSlice(at, Frames.HEADER_LENGTH), id, payload);
      MemorySegment.copy(payload, 0, data, at + Frames.HEADER_LENGTH, length);
      data.asSlice(at + Frames.HEADER_LENGTH + length, frameLength - Frames.HEADER_LENGTH - length).fill((byte) 0);
    } else {
      zeroAhead(at);
      Frames.encodeHeader(staging, id, payload);
      write(staging.asSlice(0, Frames.HEADER_LENGTH), at);
      long chunk = staging.byteSize();
      for (long off = 0; off < length; off += chunk) {
        long n = Math.min(chunk, length - off);
        MemorySegment.copy(payload, off, staging, 0, n);
        write(staging.asSlice(0, n), at + Frames.HEADER_LENGTH + off);
      }
      long pad = frameLength - Frames.HEADER_LENGTH - length;
      staging.asSlice(0, pad).fill((byte) 0);
      write(staging.asSlice(0, pad), at + frameLength - pad);
      written.advanceTo(at + frameLength);
    }
    end = at + frameLength;
    return at;
  }

  /** Sets the end after frames were written by other means (recovery, collection); all bytes before it exist. */
  void setEnd(long value) {
    end = value;
    written.advanceTo(value);
  }

  /** Makes sure {@code [0, needed)} was written (not sparse), writing zeros up to {@link #ZERO_AHEAD} beyond. */
  private void zeroAhead(long needed) throws IOException {
    written.ensure(needed, ZERO_AHEAD, capacity());
  }

  /**
   * Writes {@code src} at {@code position}, out of reach of the thread's interrupts (the mapping sees it:
   * one page cache).
   */
  void write(MemorySegment src, long position) throws IOException {
    writer.write(src, position);
  }

  /** Forces every frame and state change to disk, then records {@code end} and {@code idLimit} as committed. */
  void commit(long idLimit) {
    data.force();
    writeCommit(end, idLimit);
  }

  /**
   * Records {@code end} as committed, with {@code idLimit}, once the caller has forced every frame before
   * it (a header-only commit). A lower end than the one committed already leaves that one.
   */
  void commitForced(long end, long idLimit) {
    writeCommit(Math.max(end, committedEnd), idLimit);
  }

  /**
   * Commits a generation that is not visible yet (a collection's temp file): the commit record is written
   * first and everything is forced with one msync, since nothing can read the file before it is renamed.
   */
  void commitUnpublished(long idLimit) {
    ArenaHeader.Commit c = new ArenaHeader.Commit(commitSeq + 1, end, idLimit);
    ArenaHeader.writeCommit(data, c);
    data.force();
    setCommitted(c);
  }

  /** Durably raises the id limit without committing frames (a header-only commit). */
  void reserveIds(long idLimit) {
    writeCommit(committedEnd, idLimit);
  }

  private void writeCommit(long committedEnd, long idLimit) {
    if (committedEnd == this.committedEnd && idLimit == this.idLimit) {
      return; // the last commit says this already, and is durable: an arena opened only to read writes nothing
    }
    ArenaHeader.Commit c = new ArenaHeader.Commit(commitSeq + 1, committedEnd, idLimit);
    ArenaHeader.writeCommit(data, c);
    data.asSlice(0, ArenaHeader.DATA_START).force();
    setCommitted(c);
  }

  /**
   * Cuts the file to {@code end} and extends it back to its capacity so that no byte of a torn tail remains
   * (the re-extended part reads as zeros). Only for recovery, before any reader exists. The truncation runs
   * on a thread of its own: an interrupt of the caller would close the channel.
   */
  void discardTail() throws IOException {
    long cap = capacity();
    arena.close();
    arena = null; // for closeNow, should what follows fail
    Uninterruptibly.run(() -> channel.truncate(end));
    extendFile(end, cap);
    map();
  }

  /**
   * Atomically renames the (temp) file to {@code target} and syncs the directory, the sync on a thread of its
   * own: an interrupt of the caller would close the directory's channel and fail it after the rename, when
   * the file already has the name that makes it authoritative on open. Should the sync fail all the same,
   * {@link #path} is the new name, so the caller that gives the generation up deletes the right file.
   */
  void renameTo(Path target, DirectorySync sync) throws IOException {
    Files.move(path, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    path = target;
    Uninterruptibly.run(() -> sync.sync(target.toAbsolutePath().getParent()));
  }

  /**
   * Retires this generation after a newer one was published: its mapping is closed once no reader can see
   * it, and the file is deleted now (the kernel keeps the pages while they stay mapped) or, where a mapped
   * file cannot be deleted, right after the unmapping.
   */
  void retire(Epochs ebr) throws IOException {
    collected = true;
    Arena a = arena;
    Path p = path;
    boolean deleted;
    try {
      Files.deleteIfExists(p);
      deleted = true;
    } catch (IOException e) {
      deleted = false;
    }
    boolean deleteLater = !deleted;
    ebr.retire(() -> {
      try (FileChannel ch = channel; PositionalWriter w = writer) {
        a.close();
      }
      if (deleteLater) {
        Files.deleteIfExists(p);
      }
    });
  }

  /**
   * Marks the frame at {@code at} FREE, state and checksum in one aligned 8-byte write (never torn between
   * the two by a crash), with a positional write ({@link #write}): a store into the mapping
   * would make the next force write-protect that page again and flush it from every core running one of the
   * process's threads, an interrupt to each per page, and frees land on pages all over the file (the index's files
   * explain it, {@code ChunkedMapping}).
   */
  void markFree(long at) throws IOException {
    Frames.encodeFreed(freedHead, data, at);
    write(freedHead, at + Frames.STATE_OFFSET);
  }

  /**
   * Zeroes the payloads of the frames at {@code offsets} that are still FREE, unless collected meanwhile,
   * with positional writes as {@link #markFree} does.
   */
  void erase(long[] offsets) {
    if (collected || !arena.scope().isAlive()) {
      return;
    }
    for (long at : offsets) {
      if (Frames.state(data, at) == Frames.FREE) {
        long from = at + Frames.HEADER_LENGTH;
        long to = from + Frames.length(data, at);
        try {
          for (long p = from; p < to; p += ZEROS.byteSize()) {
            write(ZEROS.asSlice(0, Math.min(ZEROS.byteSize(), to - p)), p);
          }
        } catch (IOException e) {
          throw new UncheckedIOException("cannot erase the freed blob at byte " + at + " of " + path, e);
        }
      }
    }
  }

  /** Unmaps and closes at once: only when no reader can hold a slice (creation failed, arena closed). */
  void closeNow() throws IOException {
    try {
      if (arena != null) {
        arena.close();
      }
    } finally {
      try (channel) {
        writer.close();
      }
    }
  }

  /** Maps the whole file; on a thread of its own (a grown generation is mapped on a writer's thread). */
  private void map() throws IOException {
    Arena a = Arena.ofShared();
    try {
      data = Uninterruptibly.call(() -> channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size(), a));
      arena = a;
    } catch (IOException | RuntimeException e) {
      a.close();
      throw e;
    }
  }

  /** Extends the file from {@code from} bytes (its size) to {@code size}. */
  private void extendFile(long from, long size) throws IOException {
    if (from < size) {
      write(ONE_ZERO, size - 1); // sparse: the gap reads as zeros
    }
  }

  static long roundUp(long value, long unit) {
    return (value + unit - 1) / unit * unit;
  }
}
