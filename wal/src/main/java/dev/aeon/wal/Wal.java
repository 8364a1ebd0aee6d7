package dev.aeon.wal;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import dev.aeon.common.io.DurableFiles;
import dev.aeon.common.io.ExclusiveFileLock;
import dev.aeon.common.io.Uninterruptibly;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A write-ahead log in one directory: records appended from any number of threads get consecutive LSNs
 * (log sequence numbers, starting at 1) and are made durable by one flusher thread with group commit.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li><b>Order.</b> A record's LSN is fixed when {@link #append} returns, and is the order of the record
 *       in the log, in replay, in {@link WalOptions#listener} calls and in the completion of futures:
 *       futures complete on the flusher thread in strictly increasing LSN order. That thread is refused
 *       appends, syncs, checkpoints and close ({@link IllegalStateException}): see {@link WalOptions#listener}.</li>
 *   <li><b>Durability.</b> When a future completes normally, the record is as durable as the
 *       {@link Durability} mode promises, and so is every record with a smaller LSN.</li>
 *   <li><b>Back-pressure.</b> When the ring is full, {@link #append} waits for a free slot; records are never
 *       dropped or reordered.</li>
 *   <li><b>Recovery.</b> {@link #open} checks every record. Damage after the last force (a torn tail) is cut
 *       off and reported in {@link #recovery()} and the log; damage to forced records, and a segment
 *       shorter than it was preallocated where records may have been, are refused with
 *       {@link WalCorruptException} (or stopped at, read-only). Nothing is skipped silently.</li>
 * </ul>
 *
 * <p>Record types 0..127 are the caller's; negative types are reserved for future records of the WAL's own.
 */
public final class Wal implements AutoCloseable {

  /** Name of the file locked while the WAL is open for writing, so that only one process writes it. */
  public static final String LOCK_FILE = "LOCK";
  /**
   * Name of the next segment while it is preallocated (in the background): not part of the log, and deleted
   * when the WAL opens.
   */
  public static final String PREALLOCATED_FILE = SegmentDirectory.PREALLOC_NAME;

  /** The most the write buffer grows to ({@link SegmentWriter#FIRST_BUFFER} at first). */
  private static final int WRITE_BUFFER = 1 << 20;
  /**
   * How long a waiting writer yields before it parks. Parking costs a wake-up on the flusher thread for
   * every record of a batch (the flusher then spends more on wake-ups than on the force), while a
   * yielding writer sees its acknowledgement at once and leaves the cores to others meanwhile. 200 µs covers
   * a force of a fast SSD and the batch before it; on a slower disk a writer parks after that.
   */
  private static final long ACK_SPIN_NANOS = 200_000;

  private final Path dir;
  private final WalOptions options;
  private final RecoveryReport recovery;
  private final SegmentDirectory segments;
  private final ExclusiveFileLock lock;
  private final long baseLsn;
  private final SegmentWriter writer;
  private final Flusher flusher;
  private final FlusherWaitStrategy flusherWait;
  private final Disruptor<AppendEvent> disruptor;
  private final RingBuffer<AppendEvent> ring;
  private final Syncer syncer;
  private final AtomicInteger appending = new AtomicInteger();
  private volatile boolean closed;
  private volatile long checkpointLsn;

  private Wal(Path dir, WalOptions options, Recovery.Result recovered, SegmentDirectory segments,
      ExclusiveFileLock lock, SegmentWriter writer) {
    this.dir = dir;
    this.options = options;
    this.recovery = recovered.report();
    this.segments = segments;
    this.lock = lock;
    this.checkpointLsn = recovered.checkpointLsn();
    this.baseLsn = recovered.lastLsn() + 1;
    this.writer = writer;
    if (writer == null) {
      flusher = null;
      flusherWait = null;
      disruptor = null;
      ring = null;
      syncer = null;
      return;
    }
    flusher = new Flusher(writer, options, baseLsn);
    flusherWait = new FlusherWaitStrategy();
    disruptor = new Disruptor<>(AppendEvent::new, options.ringSize(), r -> {
      Thread t = new Thread(r, "aeon-wal-flusher " + dir.getFileName());
      t.setDaemon(true);
      return t;
    }, ProducerType.MULTI, flusherWait);
    disruptor.handleEventsWith(flusher);
    flusher.ring(disruptor.getRingBuffer());
    flusherWait.ring(disruptor.getRingBuffer());
    syncer = options.durability() == Durability.ASYNC
        ? new Syncer(writer, flusher, options.asyncForceIntervalMillis(), "aeon-wal-syncer " + dir.getFileName())
        : null;
    flusher.syncer(syncer); // before the flusher's thread starts, which publishes it to that thread
    ring = disruptor.start();
    flusher.awaitStarted();
    if (syncer != null) {
      syncer.start();
    }
  }

  /**
   * Opens (creating if needed, unless read-only) the WAL in {@code dir} and recovers it.
   *
   * @throws WalCorruptException damage to records that had been forced, or to a segment header
   * @throws WalTooNewException a segment written by a newer format version
   * @throws WalTooOldException a segment written by a format version this code no longer reads
   * @throws IOException another process has the WAL open for writing, or an I/O error
   */
  public static Wal open(Path dir, WalOptions options) throws IOException {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(options, "options");
    options.validate();
    if (options.readOnly()) {
      if (!Files.isDirectory(dir)) {
        throw new NoSuchFileException(dir.toString(), null, "no WAL directory to open read-only");
      }
      Recovery.Result r = Recovery.run(dir, true, options.channelOpener());
      SegmentDirectory segments = new SegmentDirectory(dir, options.channelOpener(), options.segmentSize());
      segments.register(r.segments());
      return new Wal(dir, options, r, segments, null, null);
    }
    DurableFiles.createDirectories(dir);
    ExclusiveFileLock lock = lock(dir);
    SegmentDirectory segments = null;
    try {
      Recovery.Result r = Recovery.run(dir, false, options.channelOpener());
      segments = new SegmentDirectory(dir, options.channelOpener(), options.segmentSize());
      Files.deleteIfExists(dir.resolve(SegmentDirectory.PREALLOC_NAME));
      Files.deleteIfExists(dir.resolve(CheckpointFile.TEMPORARY)); // a crash's part: the checkpoint it names is older
      segments.register(r.segments());
      SegmentWriter writer = openWriter(segments, r, options);
      return new Wal(dir, options, r, segments, lock, writer);
    } catch (IOException | RuntimeException e) {
      if (segments != null) {
        try {
          segments.close(); // stops a preallocation the new first segment started
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      lock.close();
      throw e;
    }
  }

  private static ExclusiveFileLock lock(Path dir) throws IOException {
    ExclusiveFileLock lock = ExclusiveFileLock.tryAcquire(dir.resolve(LOCK_FILE));
    if (lock == null) {
      throw new IOException(dir + ": the WAL is already open for writing (by this or another process)");
    }
    return lock;
  }

  /** Forces what recovery kept (a killed process may have left it unforced) and positions the writer. */
  private static SegmentWriter openWriter(SegmentDirectory segments, Recovery.Result r, WalOptions options)
      throws IOException {
    boolean forceOnRotate = options.durability() != Durability.OFF;
    int buffer = (int) Math.min(WRITE_BUFFER, options.segmentSize());
    if (r.segments().isEmpty()) {
      FileChannel ch = segments.createFirst(r.lastLsn() + 1);
      return new SegmentWriter(segments, ch, WalFormat.HEADER_SIZE, r.lastLsn(), forceOnRotate, buffer);
    }
    for (Path p : r.segments().headMap(r.segments().lastKey()).values()) {
      try (FileChannel ch = options.channelOpener().open(p, StandardOpenOption.WRITE)) {
        ch.force(false);
      }
    }
    FileChannel tail = segments.openForAppend(r.segments().lastEntry().getValue());
    try {
      tail.force(false);
      return new SegmentWriter(segments, tail, r.tailOffset(), r.lastLsn(), forceOnRotate, buffer);
    } catch (IOException | RuntimeException e) {
      tail.close();
      throw e;
    }
  }

  /**
   * Appends a record. Its LSN is assigned before this method returns; the future completes with it once
   * the record is as durable as the mode promises, or exceptionally if the WAL failed to write it.
   * Waits while the ring is full. The WAL owns {@code payload} until the future completes: do not change it.
   *
   * @param type the caller's record type, 0..127
   * @throws IllegalArgumentException a negative type or a payload larger than {@link WalOptions#maxPayload()}
   * @throws IllegalStateException the WAL is closed or read-only, or this is its flusher thread (a listener, or a
   *     callback of an append's future: see {@link WalOptions#listener})
   */
  public CompletableFuture<Long> append(byte type, byte[] payload) {
    if (type < 0) {
      throw new IllegalArgumentException("record type " + type + " is reserved; caller types are 0..127");
    }
    Objects.requireNonNull(payload, "payload");
    if (payload.length > options.maxPayload()) {
      throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds the maximum of "
          + options.maxPayload() + " bytes (WalOptions.maxPayload)");
    }
    return publish(type, payload);
  }

  /**
   * Appends a record and waits until it is as durable as the mode promises.
   *
   * @return the record's LSN
   * @throws IOException the WAL failed to write it (the WAL must then be reopened)
   */
  public long appendAndWait(byte type, byte[] payload) throws IOException {
    return await(append(type, payload));
  }

  private CompletableFuture<Long> publish(byte type, byte[] payload) {
    requireWritable();
    refuseOnFlusherThread("append");
    appending.incrementAndGet();
    try {
      requireOpen();
      Throwable failure = flusher.failure();
      if (failure != null) {
        return CompletableFuture.failedFuture(new IOException("WAL write failed earlier; reopen the WAL to recover",
            failure));
      }
      CompletableFuture<Long> future = new CompletableFuture<>();
      long sequence = ring.next();
      try {
        ring.get(sequence).set(type, payload, future, System.nanoTime());
      } finally {
        ring.publish(sequence);
      }
      return future;
    } finally {
      appending.decrementAndGet();
    }
  }

  private static long await(CompletableFuture<Long> future) throws IOException {
    long parkAfter = System.nanoTime() + ACK_SPIN_NANOS;
    while (!future.isDone() && System.nanoTime() < parkAfter) {
      Thread.yield();
    }
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the WAL (the record may still be written)");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      throw new IOException(c.getMessage(), c);
    }
  }

  /** Refuses a call after close: the directory's lock is released, and another owner may be writing there. */
  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException(dir + ": the WAL is closed");
    }
  }

  private void requireWritable() {
    if (ring == null) {
      throw new IllegalStateException(dir + ": the WAL is open read-only");
    }
  }

  /**
   * Refuses a call that writes or waits when it comes from the flusher thread (a {@link WalOptions#listener}, or a
   * callback of an append's future that completed there): it would wait for that very thread, whose next batch
   * then never comes, and the whole log would hang (an append waits for a slot once the ring is full).
   */
  private void refuseOnFlusherThread(String call) {
    if (flusher != null && flusher.isFlusherThread()) {
      throw new IllegalStateException(dir + ": " + call + " called on the WAL's flusher thread (from a listener, or"
          + " from a callback of an append's future) would wait for that thread for ever; call it from another thread"
          + " (e.g. through thenAcceptAsync)");
    }
  }

  /**
   * Forces every record appended before this call, whatever the durability mode, and waits for it.
   * For callers of ASYNC or OFF that reach a point that must survive a power loss. The forcing runs on a
   * thread of its own ({@link Uninterruptibly}): a file channel closes for every thread when a thread
   * interrupted during its I/O uses it (ClosedByInterruptException), and one caller's interrupt would fail
   * the whole log, and every writer's records after it. The caller's interrupt stays set.
   *
   * @throws IOException the WAL failed to write or force (it must then be reopened)
   * @throws IllegalStateException the WAL is closed or read-only, or this is its flusher thread
   */
  public void sync() throws IOException {
    requireWritable();
    requireOpen();
    refuseOnFlusherThread("sync");
    Uninterruptibly.run(this::forceAppended);
  }

  private void forceAppended() throws IOException {
    long target = lastLsn();
    while (true) {
      // Checked before every force too: a log that failed earlier may have lost what it wrote before the
      // failure, and a force that succeeds now would not bring it back.
      requireHealthy();
      if (writer.writtenLsn() >= target) {
        break;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(10_000);
    }
    try {
      writer.forceWritten();
    } catch (IOException | RuntimeException e) {
      // A failed force fails the log, as the flusher's and the syncer's do: the kernel may have dropped the
      // pages it could not write and report the next force of the same file as a success (Linux does), so
      // nothing written before it may be acknowledged or called durable afterwards. Not once close has begun:
      // its own force decides, and a sync racing it fails on the channel close closed.
      if (!closed) {
        flusher.fail(e);
      }
      throw e;
    }
  }

  private void requireHealthy() throws IOException {
    Throwable failure = flusher.failure();
    if (failure != null) {
      throw new IOException("WAL write failed; reopen the WAL to recover", failure);
    }
  }

  /**
   * Records that every record up to {@code lsn} is durable elsewhere: forces the log up to {@code lsn} if
   * it is not yet, durably replaces the checkpoint file, then deletes every segment whose records all
   * have LSNs up to {@code lsn}. After a restart, {@link #replay(RecordConsumer)} starts after it.
   *
   * @throws IllegalArgumentException {@code lsn} is beyond {@link #lastLsn()} or before the last checkpoint
   * @throws IOException the WAL failed to write or force, now or earlier (it must then be reopened)
   */
  public void checkpoint(long lsn) throws IOException {
    checkpoint(lsn, false);
  }

  /**
   * Like {@link #checkpoint(long)}; with {@code startNewSegment} the log first moves on to a new segment,
   * so that when nothing was appended after {@code lsn} every older segment is deleted and no byte of a
   * record up to {@code lsn} remains in the log's files (erasure of forgotten data). Like {@link #sync()}, it
   * writes on a thread of its own, out of reach of the caller's interrupt.
   */
  public void checkpoint(long lsn, boolean startNewSegment) throws IOException {
    requireWritable();
    refuseOnFlusherThread("checkpoint"); // before the lock, which a checkpoint waiting for the flusher may hold
    checkpointLocked(lsn, startNewSegment);
  }

  private synchronized void checkpointLocked(long lsn, boolean startNewSegment) throws IOException {
    requireOpen();
    if (lsn > lastLsn() || lsn < 0) {
      throw new IllegalArgumentException("cannot checkpoint LSN " + lsn + ": the last LSN is " + lastLsn());
    }
    if (lsn < checkpointLsn) {
      throw new IllegalArgumentException("cannot checkpoint LSN " + lsn + ": already checkpointed up to "
          + checkpointLsn);
    }
    // A failed log writes nothing more: the records of the batch that failed are still framed in the writer's
    // buffer, and a move to a new segment would flush them (refused records, or the first bytes of a write cut
    // short written twice) for the next open to cut off as a torn tail.
    requireHealthy();
    Uninterruptibly.run(() -> {
      if (writer.forcedLsn() < lsn) {
        forceAppended();
      }
      if (startNewSegment) {
        try {
          writer.startNewSegment(); // forces the segment it leaves (but in mode OFF)
        } catch (IOException | RuntimeException e) {
          flusher.fail(e); // as a failed rotation of the flusher's does
          throw e;
        }
      }
      CheckpointFile.write(dir, lsn, options.channelOpener());
      checkpointLsn = lsn;
      segments.deleteWhollyBefore(lsn);
    });
  }

  /**
   * Feeds {@code consumer} every caller record with an LSN greater than {@code afterLsn}, in LSN order, up
   * to the last record written when the call began. Re-checks every record's CRC32C.
   *
   * @throws IllegalArgumentException {@code afterLsn} is negative (LSNs start at 1; 0 means from the
   *     start), or records after it were deleted by a checkpoint (also by one that ran during the replay)
   * @throws WalCorruptException a record was damaged after the WAL was opened
   * @throws IllegalStateException the WAL is closed
   */
  public void replay(long afterLsn, RecordConsumer consumer) throws IOException {
    Objects.requireNonNull(consumer, "consumer");
    requireOpen();
    if (afterLsn < 0) {
      throw new IllegalArgumentException("afterLsn must be 0 or more (0: from the first record), not " + afterLsn);
    }
    long upTo = writer == null ? recovery.lastLsn() : writer.writtenLsn();
    Replayer.replay(segments.segments(), afterLsn, upTo, consumer);
  }

  /** Replays every record after the last checkpoint: what a restarted owner of the log must apply again. */
  public void replay(RecordConsumer consumer) throws IOException {
    replay(checkpointLsn, consumer);
  }

  /**
   * Why writing failed, or null while the log is healthy (always, read-only: it writes nothing). A failed
   * log refuses every later record until it is closed and opened again, which recovers what it had made
   * durable.
   */
  public Throwable failure() {
    return flusher == null ? null : flusher.failure();
  }

  /** The LSN most recently assigned by {@link #append} (or recovered, if none since); 0 if the log is empty. */
  public long lastLsn() {
    return ring == null ? recovery.lastLsn() : baseLsn + ring.getCursor();
  }

  /** The highest LSN forced to the device: it and every record before it survive a power loss. */
  public long durableLsn() {
    return writer == null ? recovery.lastLsn() : writer.forcedLsn();
  }

  /** The LSN named by the last checkpoint; 0 if none. */
  public long checkpointLsn() {
    return checkpointLsn;
  }

  /** What opening the log found, including any torn tail it cut off. */
  public RecoveryReport recovery() {
    return recovery;
  }

  /**
   * How many times the log has been forced since it was opened: by the flusher (mode SYNC), the forcing thread (ASYNC),
   * {@link #sync}, a checkpoint, a change of segment (but in mode OFF). A force that would find nothing new to force is
   * skipped, uncounted.
   */
  public long forces() {
    return writer == null ? 0 : writer.forces();
  }

  /**
   * What the flusher's waits on an empty ring decided since the log was opened (spun or blocked at once), and how
   * soon its writers came back after each: whether it spins for its writers or costs each record a wake-up
   * ({@link FlusherStats}). {@link FlusherStats#NONE} read-only.
   */
  public FlusherStats flusherStats() {
    return flusherWait == null ? FlusherStats.NONE : flusherWait.stats();
  }

  /** The flusher (tests); null read-only. */
  Flusher flusher() {
    return flusher;
  }

  /** How the flusher waits on an empty ring (tests); null read-only. */
  FlusherWaitStrategy flusherWait() {
    return flusherWait;
  }

  /** Segment files currently in the log, by first LSN. */
  public Map<Long, Path> segmentFiles() {
    return java.util.Collections.unmodifiableMap(segments.segments());
  }

  public Path directory() {
    return dir;
  }

  public WalOptions options() {
    return options;
  }

  /**
   * Waits for every appended record to be written, forces the log (whatever the mode) and releases the
   * directory. Appends racing with close either complete normally or are refused with
   * {@link IllegalStateException}. An interrupt of the caller does not cut it short; it stays set.
   *
   * @throws IllegalStateException called on the flusher thread (see {@link WalOptions#listener})
   */
  @Override
  public void close() throws IOException {
    refuseOnFlusherThread("close"); // before the lock, which a close waiting for the flusher may hold
    closeLocked();
  }

  private synchronized void closeLocked() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (ring == null) {
      return;
    }
    while (appending.get() != 0) {
      Thread.onSpinWait();
    }
    try {
      if (syncer != null) {
        syncer.stop();
      }
      long last = ring.getCursor(); // every claimed slot is published: no append is in flight
      while (flusher.completedThrough() < last) {
        java.util.concurrent.locks.LockSupport.parkNanos(20_000);
      }
      disruptor.halt();
      flusher.awaitStopped();
    } finally {
      try {
        segments.close();
      } finally {
        lock.close(); // whatever the clean-up met: a lock kept would refuse every later open in this process
      }
    }
    Throwable failure = flusher.failure();
    if (failure != null) {
      throw new IOException(dir + ": the WAL failed while open; reopen it to recover", failure);
    }
  }
}
