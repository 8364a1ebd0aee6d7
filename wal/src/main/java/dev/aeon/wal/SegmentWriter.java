package dev.aeon.wal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

/**
 * Frames records into a buffer and writes them to the current segment, rotating to a new segment when
 * a record does not fit.
 *
 * <p>Locks, always taken in this order: the flusher thread holds {@link #lock()} for the whole of each
 * batch, and {@link #startNewSegment()} takes it so that it sees the writer only between batches, with an
 * empty buffer; {@code forceLock} makes forces one at a time; {@code state} guards the current channel and
 * the retired ones. A force from another thread ({@link Wal#sync()}, the ASYNC syncer) holds only the
 * last two, and {@code state} only while it picks the channels: it runs while the flusher goes on writing.
 */
final class SegmentWriter implements Closeable {

  /** A log that writes little (one of thousands of small namespaces) keeps a small buffer. */
  static final int FIRST_BUFFER = 64 << 10;

  /**
   * Tests only, null otherwise: run by every force of a log's files in this process just before it forces, under
   * the force's lock, so that a test (of a caller of the log, such as the server's) can hold forces back and see
   * what waits for them, or fail one as a failed fsync fails it (what it throws fails the log). It is given the
   * log's folder, so that a test can fail one log's forces and let the others' through.
   */
  static volatile ForceHook beforeForce;

  /** See {@link #beforeForce}. */
  @FunctionalInterface
  interface ForceHook {
    void run(java.nio.file.Path logDirectory) throws IOException;
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final ReentrantLock forceLock = new ReentrantLock();
  private final Object state = new Object();
  private final SegmentDirectory directory;
  private final boolean forceOnRotate;
  /** Grows from {@link #FIRST_BUFFER} bytes while batches overflow it, up to {@code maxBuffer}. */
  private ByteBuffer buffer;
  private final int maxBuffer;
  private final CRC32C crc = new CRC32C();
  /** Rotated-away segments, closed by the next force (which also forces them in mode OFF). */
  private final List<FileChannel> retired = new ArrayList<>();
  private FileChannel channel;
  private long segmentSize;
  private long filePosition;
  private boolean preallocationStarted;
  private long appendedLsn;
  private volatile long writtenLsn;
  private volatile long forcedLsn;
  private volatile long forces;

  /**
   * @param channel the last segment, open for writing
   * @param position where its next record goes
   * @param lastLsn the LSN of the last record already in the log (all of it forced)
   * @param forceOnRotate whether a segment is forced when the writer moves on to the next one
   * @param maxBuffer the most bytes the write buffer grows to
   */
  SegmentWriter(SegmentDirectory directory, FileChannel channel, long position, long lastLsn, boolean forceOnRotate,
      int maxBuffer) throws IOException {
    this.directory = directory;
    this.forceOnRotate = forceOnRotate;
    this.maxBuffer = maxBuffer;
    this.buffer = ByteBuffer.allocateDirect(Math.min(FIRST_BUFFER, maxBuffer)).order(ByteOrder.LITTLE_ENDIAN);
    this.channel = channel;
    this.segmentSize = channel.size();
    this.filePosition = position;
    this.appendedLsn = lastLsn;
    this.writtenLsn = lastLsn;
    this.forcedLsn = lastLsn;
  }

  void lock() {
    lock.lock();
  }

  void unlock() {
    lock.unlock();
  }

  /** Frames one record; it reaches the file at the next {@link #flush()} (or earlier, if the buffer fills). */
  void append(long lsn, byte type, byte[] payload) throws IOException {
    long frame = WalFormat.frameSize(payload.length);
    if (filePosition + buffer.position() + frame > segmentSize) {
      rotate(lsn, WalFormat.HEADER_SIZE + frame, true);
    }
    if (frame > buffer.remaining()) {
      flush();
      if (buffer.capacity() < maxBuffer) { // batches outgrow it: fewer, larger writes
        buffer = ByteBuffer.allocateDirect(Math.min(maxBuffer, 2 * buffer.capacity())).order(ByteOrder.LITTLE_ENDIAN);
      }
    }
    if (frame > buffer.capacity()) {
      ByteBuffer big = ByteBuffer.allocate((int) frame).order(ByteOrder.LITTLE_ENDIAN);
      WalFormat.encodeFrame(big, lsn, forcedLsn, type, payload, crc);
      writeFully(big.flip());
    } else {
      WalFormat.encodeFrame(buffer, lsn, forcedLsn, type, payload, crc);
    }
    appendedLsn = lsn;
    if (!preallocationStarted && filePosition + buffer.position() > segmentSize / 2) {
      // Prepare the next segment while this one fills its second half, off the flusher thread.
      directory.startPreallocation();
      preallocationStarted = true;
    }
  }

  /** Hands every framed record to the operating system. */
  void flush() throws IOException {
    if (buffer.position() > 0) {
      writeFully(buffer.flip());
      buffer.clear();
    }
    writtenLsn = appendedLsn;
  }

  private void writeFully(ByteBuffer src) throws IOException {
    while (src.hasRemaining()) {
      filePosition += channel.write(src, filePosition);
    }
  }

  /** Flushes, then forces every written record to the device. Flusher thread, or under {@link #lock()}. */
  void force() throws IOException {
    flush();
    forceWritten();
  }

  /** Forces every record already handed to the operating system. Any thread. */
  void forceWritten() throws IOException {
    forceLock.lock();
    try {
      long target;
      FileChannel current;
      List<FileChannel> old;
      synchronized (state) {
        target = writtenLsn; // every record up to it is in the channels picked here
        current = channel;
        old = new ArrayList<>(retired);
        retired.clear();
      }
      if (old.isEmpty() && target <= forcedLsn) {
        return; // forced already (in mode SYNC every acknowledged record is): a force would only wait on the disk
      }
      try {
        ForceHook hook = beforeForce;
        if (hook != null) {
          hook.run(directory.dir());
        }
        for (int i = 0; i < old.size(); i++) {
          old.get(i).force(false);
          old.get(i).close();
          old.set(i, null);
        }
        current.force(false);
      } catch (IOException | RuntimeException e) {
        synchronized (state) { // the log has failed; these are left for closeQuietly to close
          for (FileChannel c : old) {
            if (c != null) {
              retired.add(c);
            }
          }
        }
        throw e;
      }
      if (target > forcedLsn) {
        forcedLsn = target;
      }
      forces++;
    } finally {
      forceLock.unlock();
    }
  }

  /** Whether records have been written since the last force. Any thread. */
  boolean hasUnforced() {
    return writtenLsn > forcedLsn;
  }

  /**
   * Any thread: moves on to a new segment that starts at the next LSN, unless the current segment holds
   * no record yet; a checkpoint then can delete the old one. Called between batches (under the lock).
   */
  void startNewSegment() throws IOException {
    lock.lock();
    try {
      flush();
      if (filePosition > WalFormat.HEADER_SIZE) {
        rotate(appendedLsn + 1, WalFormat.HEADER_SIZE, false);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Moves on to a new segment starting at {@code firstLsn}, of at least {@code needed} bytes; {@code full}
   * if the current one has no room for the next record (see {@link SegmentDirectory#activateNext}).
   */
  private void rotate(long firstLsn, long needed, boolean full) throws IOException {
    flush();
    if (forceOnRotate) {
      forceWritten();
    }
    FileChannel next = directory.activateNext(firstLsn, needed, full);
    synchronized (state) {
      retired.add(channel);
      channel = next;
    }
    segmentSize = channel.size();
    filePosition = WalFormat.HEADER_SIZE;
    preallocationStarted = false;
  }

  long writtenLsn() {
    return writtenLsn;
  }

  long forcedLsn() {
    return forcedLsn;
  }

  long forces() {
    return forces;
  }

  /** Flushes and forces what is left, then closes the segment. Flusher thread, at shutdown. */
  @Override
  public void close() throws IOException {
    try {
      force();
    } finally {
      closeQuietly();
    }
  }

  /** Closes the channels without writing anything more (after a failure). */
  void closeQuietly() {
    forceLock.lock();
    try {
      synchronized (state) {
        retired.add(channel);
        for (FileChannel c : retired) {
          try {
            c.close();
          } catch (IOException e) {
            // nothing more can be done for a channel that failed
          }
        }
        retired.clear();
      }
    } finally {
      forceLock.unlock();
    }
  }
}
