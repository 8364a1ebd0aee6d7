package dev.aeon.wal;

import dev.aeon.common.io.DurableFiles;
import dev.aeon.common.os.BackgroundPriority;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The segment files of one WAL directory: which exist, creating new ones, deleting old ones.
 *
 * <p>A new segment is first preallocated under a temporary name (zero-filled and forced, so that later
 * forces of its data need no metadata update), in the background while the current segment fills up: from
 * its start when the segment before it filled, else once it is half full, so that a log that writes little
 * holds no preallocated segment it may never need.
 * Activating it writes and forces its header, then renames it to its first LSN and forces the directory:
 * a file with a segment name therefore always has a complete header.
 *
 * <p>Segments start small and grow with the write rate: a log's first segment is {@link #SMALLEST} (or
 * the largest size, if that is smaller), and each next one twice the size of the one before while a
 * segment fills within {@link #GROW_WITHIN_NANOS}, up to the largest size the options name (a segment a
 * checkpoint leaves early to erase forgotten records does not count: a burst of forgets is no write
 * rate). A preallocated segment takes its whole size on disk at once, so a log that holds little (a
 * namespace of a small agent, one of thousands) takes {@link #SMALLEST} rather than two of the largest segments.
 * A busy log is at the largest size after a few seconds. A record larger than the next segment gets one
 * of its size.
 */
final class SegmentDirectory implements Closeable {

  static final String PREALLOC_NAME = "next.prealloc";
  static final long SMALLEST = 64 << 10;
  /**
   * A segment that filled this fast is followed by one twice its size. Each new segment costs forces (its
   * zero-fill, its header, the directory): a steady writer settles at a segment per ten seconds or more.
   */
  static final long GROW_WITHIN_NANOS = 10_000_000_000L;
  private static final int ZERO_CHUNK = 1 << 20;

  private final Path dir;
  private final ChannelOpener opener;
  private final long smallest;
  private final long largest;
  private final ConcurrentSkipListMap<Long, Path> segments = new ConcurrentSkipListMap<>();
  private ExecutorService preallocator;
  /** How long the preallocation thread outlives its last segment. */
  static final long PREALLOCATOR_KEEP_ALIVE_SECONDS = 30;
  private CompletableFuture<Path> next;
  /** The size of the next segment to preallocate. */
  private long plannedSize;
  /** When the current segment was activated; -1 before the first activation. */
  private long activatedNanos = -1;

  /** {@code largestSegment}: the size segments grow to (the options' segment size). */
  SegmentDirectory(Path dir, ChannelOpener opener, long largestSegment) {
    this.dir = dir;
    this.opener = opener;
    this.largest = largestSegment;
    this.smallest = Math.min(SMALLEST, largestSegment);
    this.plannedSize = smallest;
  }

  /** Segment files found in {@code dir}, by first LSN. Other files are ignored. */
  static ConcurrentSkipListMap<Long, Path> list(Path dir) throws IOException {
    ConcurrentSkipListMap<Long, Path> found = new ConcurrentSkipListMap<>();
    try (var stream = Files.list(dir)) {
      for (Path p : (Iterable<Path>) stream::iterator) {
        long first = WalFormat.parseSegmentName(p.getFileName().toString());
        if (first > 0 && Files.isRegularFile(p)) {
          found.put(first, p);
        }
      }
    }
    return found;
  }

  Path dir() {
    return dir;
  }

  /** Live view of the segments, by first LSN. */
  ConcurrentSkipListMap<Long, Path> segments() {
    return segments;
  }

  /**
   * Adds the segments recovery found. The next new segment is of the smallest size again: the write rate
   * before the reopen is not known, and a log reopened after it went quiet should not keep the largest
   * segments it once needed; a busy one grows back within a few segments.
   */
  void register(Map<Long, Path> existing) {
    segments.putAll(existing);
  }

  /** Creates, fills and activates the first segment synchronously; returns a channel positioned for appends. */
  FileChannel createFirst(long firstLsn) throws IOException {
    Files.deleteIfExists(dir.resolve(PREALLOC_NAME));
    next = CompletableFuture.completedFuture(preallocate(plannedSize));
    return activateNext(firstLsn, WalFormat.HEADER_SIZE, false);
  }

  /**
   * Turns the preallocated file into the segment starting at {@code firstLsn} (first making a larger one
   * if it has fewer than {@code needed} bytes) and starts preallocating the one after it. Returns a
   * writable channel on the new segment. {@code filled}: the segment before it is full (a record did not
   * fit), not left early by a checkpoint; only a segment that filled fast makes the next ones grow.
   */
  FileChannel activateNext(long firstLsn, long needed, boolean filled) throws IOException {
    Path ready = awaitNext();
    long size = Files.size(ready);
    if (size < needed) {
      size = sizeFor(needed);
      ready = preallocate(size);
    }
    Path target = dir.resolve(WalFormat.segmentName(firstLsn));
    try (FileChannel channel = opener.open(ready, StandardOpenOption.WRITE)) {
      ByteBuffer header = WalFormat.encodeHeader(firstLsn, size, System.currentTimeMillis());
      while (header.hasRemaining()) {
        channel.write(header, header.position());
      }
      channel.force(false);
    }
    // A record too large for a segment that holds none yet (just made, or just started by a checkpoint)
    // gets a larger one with the same first LSN: the rename replaces the empty one (as rename(2) does).
    Files.move(ready, target, StandardCopyOption.ATOMIC_MOVE);
    syncDirectory();
    segments.put(firstLsn, target);
    long now = System.nanoTime();
    boolean filledFast = filled && activatedNanos >= 0 && now - activatedNanos < GROW_WITHIN_NANOS;
    plannedSize = filledFast ? Math.min(largest, 2 * size) : Math.max(plannedSize, size);
    activatedNanos = now;
    if (filled) {
      startPreallocation(); // a log that fills segments needs the next one soon; others ask at half full
    }
    return openForAppend(target);
  }

  /** The smallest size, doubled until it holds {@code needed} bytes; at most the largest size. */
  private long sizeFor(long needed) {
    long size = smallest;
    while (size < needed && size < largest) {
      size *= 2;
    }
    return Math.min(size, largest);
  }

  /** Opens an existing segment for appending after recovery. */
  FileChannel openForAppend(Path segment) throws IOException {
    return opener.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  /**
   * Starts preallocating the next segment, unless that is under way or done: {@link #activateNext} starts it
   * after a segment that filled, and the writer asks once the segment is half full (after a reopen, a
   * checkpoint's early segment or the first one, none was started).
   * A second zero-fill of the same file would double the log's writes. One that failed is tried again.
   */
  void startPreallocation() {
    if (next != null && !next.isCompletedExceptionally()) {
      return;
    }
    if (preallocator == null) {
      // Its thread ends after a quiet spell (a quiet log prepares no segment), and a new one starts with the
      // next segment: an idle namespace holds no preallocation thread.
      ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, PREALLOCATOR_KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(() -> {
              BackgroundPriority.lowerCurrentThread();
              r.run();
            }, "aeon-wal-preallocator");
            t.setDaemon(true);
            return t;
          });
      pool.allowCoreThreadTimeOut(true);
      preallocator = pool;
    }
    long size = plannedSize;
    next = CompletableFuture.supplyAsync(() -> {
      try {
        return preallocate(size);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, preallocator);
  }

  private Path awaitNext() throws IOException {
    if (next == null) {
      startPreallocation();
    }
    try {
      return next.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while waiting for the next segment");
    } catch (ExecutionException e) {
      // Tried once more now that the segment is needed: the background attempt ran when the current segment was
      // half full, and the room it found wanting (a full device) may be back, freed by a checkpoint or another
      // store. Failing the log for a shortage that has passed would make the caller reopen it for nothing.
      next = null;
      try {
        return preallocate(plannedSize);
      } catch (IOException again) {
        Throwable cause = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
        again.addSuppressed(cause);
        throw again;
      }
    } finally {
      next = null;
    }
  }

  /**
   * Writes a zero-filled, forced file of {@code size} bytes under the temporary name. One that fails is deleted:
   * on a full device its part took the last free blocks, which the other stores need, until the log was closed.
   */
  private Path preallocate(long size) throws IOException {
    Path tmp = dir.resolve(PREALLOC_NAME);
    try (FileChannel ch = opener.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      ByteBuffer zeros = ByteBuffer.allocateDirect((int) Math.min(ZERO_CHUNK, size));
      long pos = 0;
      while (pos < size) {
        zeros.clear().limit((int) Math.min(zeros.capacity(), size - pos));
        pos += ch.write(zeros, pos);
      }
      ch.force(true);
    } catch (IOException | RuntimeException e) {
      DurableFiles.deleteAfterFailure(tmp, e);
      throw e;
    }
    return tmp;
  }

  /**
   * Deletes every segment whose records all have LSNs of at most {@code lsn}; never the last segment.
   * Returns how many were deleted.
   */
  int deleteWhollyBefore(long lsn) throws IOException {
    List<Long> doomed = new ArrayList<>();
    Long[] firsts = segments.keySet().toArray(Long[]::new);
    for (int i = 0; i + 1 < firsts.length && firsts[i + 1] <= lsn + 1; i++) {
      doomed.add(firsts[i]);
    }
    for (Long first : doomed) {
      Files.deleteIfExists(segments.remove(first)); // off the list first: a replay that finds it gone knows why
    }
    if (!doomed.isEmpty()) {
      syncDirectory();
    }
    return doomed.size();
  }

  /** Deletes one segment file (recovery: segments after a torn tail). */
  void delete(long firstLsn, Path path) throws IOException {
    Files.deleteIfExists(path);
    segments.remove(firstLsn);
  }

  /** Forces this WAL's directory. */
  void syncDirectory() throws IOException {
    syncDirectory(dir, opener);
  }

  /** Forces a directory, so that created, renamed and deleted names in it are durable. */
  static void syncDirectory(Path dir, ChannelOpener opener) throws IOException {
    FileChannel d;
    try {
      d = opener.open(dir, StandardOpenOption.READ);
    } catch (IOException e) {
      if (DurableFiles.opensNoDirectory(dir)) {
        return;
      }
      throw e;
    }
    try (d) {
      d.force(true);
    }
  }

  /** Stops preallocating and removes a preallocated file that was never used. */
  @Override
  public void close() throws IOException {
    if (preallocator != null) {
      preallocator.shutdownNow(); // interrupts a zero-fill in progress
      preallocator.close(); // waits for it to stop
    }
    Files.deleteIfExists(dir.resolve(PREALLOC_NAME));
  }
}
