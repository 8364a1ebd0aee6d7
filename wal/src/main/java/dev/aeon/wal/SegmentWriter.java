package dev.aeon.wal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Frames records into a buffer and writes them to the current segment, rotating to a new segment when
 * a record does not fit. Used only by the flusher thread; the LSN counters are readable from any thread.
 */
final class SegmentWriter implements Closeable {

  private final SegmentDirectory directory;
  private final boolean forceOnRotate;
  private final ByteBuffer buffer;
  private final CRC32C crc = new CRC32C();
  /** Rotated-away segments not forced yet (mode OFF); the next force covers them. */
  private final List<FileChannel> unforced = new ArrayList<>();
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
   */
  SegmentWriter(SegmentDirectory directory, FileChannel channel, long position, long lastLsn, boolean forceOnRotate,
      int bufferSize) throws IOException {
    this.directory = directory;
    this.forceOnRotate = forceOnRotate;
    this.buffer = ByteBuffer.allocateDirect(bufferSize).order(ByteOrder.LITTLE_ENDIAN);
    this.channel = channel;
    this.segmentSize = channel.size();
    this.filePosition = position;
    this.appendedLsn = lastLsn;
    this.writtenLsn = lastLsn;
    this.forcedLsn = lastLsn;
  }

  /**
   * Frames one record; it reaches the file at the next {@link #flush()} (or earlier, if the buffer fills).
   * With {@code newSegment} the record starts a new segment unless the current one is still empty.
   */
  void append(long lsn, byte type, byte[] payload, boolean newSegment) throws IOException {
    long frame = WalFormat.frameSize(payload.length);
    boolean currentEmpty = filePosition + buffer.position() == WalFormat.HEADER_SIZE;
    if (filePosition + buffer.position() + frame > segmentSize || (newSegment && !currentEmpty)) {
      rotate(lsn);
    }
    if (frame > buffer.remaining()) {
      flush();
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

  /** Flushes, then forces every written record to the device. */
  void force() throws IOException {
    flush();
    for (FileChannel old : unforced) {
      old.force(false);
      old.close();
    }
    unforced.clear();
    channel.force(false);
    forcedLsn = writtenLsn;
    forces++;
  }

  boolean hasUnforced() {
    return appendedLsn != forcedLsn;
  }

  private void rotate(long firstLsn) throws IOException {
    flush();
    if (forceOnRotate) {
      force();
      channel.close();
    } else {
      unforced.add(channel);
    }
    channel = directory.activateNext(firstLsn);
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

  /** Flushes and forces what is left, then closes the segment. */
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
    unforced.add(channel);
    for (FileChannel c : unforced) {
      try {
        c.close();
      } catch (IOException e) {
        // nothing more can be done for a channel that failed
      }
    }
    unforced.clear();
  }
}
