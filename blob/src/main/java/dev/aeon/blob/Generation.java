package dev.aeon.blob;

import dev.aeon.blob.format.ArenaHeader;
import dev.aeon.blob.format.Frames;
import dev.aeon.common.ebr.Epochs;
import dev.aeon.common.io.DurableFiles;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One generation file {@code blobs-<n>.arena}, memory-mapped read-write. The writer appends frames at
 * {@link #end}; growing maps a bigger region, and the previous mapping is retired through EBR so readers that
 * still hold slices of it keep reading. Not thread-safe: the arena's write lock guards every mutation.
 */
final class Generation {

  private static final Pattern NAME = Pattern.compile("blobs-(\\d{1,18})\\.arena(\\.tmp)?");
  private static final long ONE_MIB = 1L << 20;
  private static final long MAX_GROWTH_STEP = 1L << 30;

  final long number;
  private Path path;
  private final FileChannel channel;
  private Arena arena;
  private MemorySegment data;
  /** Offset of the next frame: every byte before it belongs to a complete frame. */
  long end;
  private long commitSeq;
  private long committedEnd;
  /** No id at or above this has been handed out; durable in the last commit. */
  private long idLimit;
  /** Set once a newer generation replaced this one; its file is gone and its mapping on the way out. */
  private boolean collected;

  private Generation(long number, Path path, FileChannel channel) {
    this.number = number;
    this.path = path;
    this.channel = channel;
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

  /** Creates {@code file} (replacing a leftover) with a committed, empty header; the caller renames it. */
  static Generation create(Path file, long number, long capacity, long idLimit) throws IOException {
    Files.deleteIfExists(file);
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    Generation g = new Generation(number, file, ch);
    try {
      g.extendFile(roundUp(Math.max(capacity, ArenaHeader.DATA_START), ONE_MIB));
      g.map();
      ArenaHeader.writeNew(g.data, number, idLimit);
      g.setCommitted(new ArenaHeader.Commit(1, ArenaHeader.DATA_START, idLimit));
      g.end = ArenaHeader.DATA_START;
      return g;
    } catch (IOException | RuntimeException e) {
      g.closeNow();
      throw e;
    }
  }

  /** Opens and maps an existing generation file; the header is not checked yet. */
  static Generation open(Path file, long number) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    Generation g = new Generation(number, file, ch);
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

  /**
   * Makes room for {@code needed} bytes: extends the file, maps it whole and returns the new mapping. The
   * old mapping is handed to {@code ebr}; the caller publishes the new one before readers may use it.
   */
  MemorySegment grow(long needed, Epochs ebr) throws IOException {
    long cap = capacity();
    long target = Math.max(needed, cap + Math.min(cap, MAX_GROWTH_STEP));
    extendFile(roundUp(target, ONE_MIB));
    Arena old = arena;
    map();
    ebr.retire(old);
    return data;
  }

  /** Forces every frame and state change to disk, then records {@code end} and {@code idLimit} as committed. */
  void commit(long idLimit) {
    data.force();
    writeCommit(end, idLimit);
  }

  /** Durably raises the id limit without committing frames (a header-only commit). */
  void reserveIds(long idLimit) {
    writeCommit(committedEnd, idLimit);
  }

  private void writeCommit(long committedEnd, long idLimit) {
    ArenaHeader.Commit c = new ArenaHeader.Commit(commitSeq + 1, committedEnd, idLimit);
    ArenaHeader.writeCommit(data, c);
    data.asSlice(0, ArenaHeader.DATA_START).force();
    setCommitted(c);
  }

  /**
   * Cuts the file to {@code end} and extends it back to its capacity so that no byte of a torn tail remains
   * (the re-extended part reads as zeros). Only for recovery, before any reader exists.
   */
  void discardTail() throws IOException {
    long cap = capacity();
    arena.close();
    channel.truncate(end);
    extendFile(cap);
    map();
  }

  /** Atomically renames the (temp) file to {@code target} and syncs the directory. */
  void renameTo(Path target) throws IOException {
    DurableFiles.atomicRename(path, target);
    path = target;
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
      try (FileChannel ch = channel) {
        a.close();
      }
      if (deleteLater) {
        Files.deleteIfExists(p);
      }
    });
  }

  /** Zeroes the payloads of the frames at {@code offsets} that are still FREE, unless collected meanwhile. */
  void erase(long[] offsets) {
    if (collected || !arena.scope().isAlive()) {
      return;
    }
    for (long at : offsets) {
      if (Frames.state(data, at) == Frames.FREE) {
        data.asSlice(at + Frames.HEADER_LENGTH, Frames.length(data, at)).fill((byte) 0);
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
      channel.close();
    }
  }

  private void map() throws IOException {
    long size = channel.size();
    Arena a = Arena.ofShared();
    try {
      data = channel.map(FileChannel.MapMode.READ_WRITE, 0, size, a);
      arena = a;
    } catch (IOException | RuntimeException e) {
      a.close();
      throw e;
    }
  }

  private void extendFile(long size) throws IOException {
    if (channel.size() < size) {
      channel.write(ByteBuffer.allocate(1), size - 1); // sparse: the gap reads as zeros
    }
  }

  static long roundUp(long value, long unit) {
    return (value + unit - 1) / unit * unit;
  }
}
