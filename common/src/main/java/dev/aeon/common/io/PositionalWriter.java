package dev.aeon.common.io;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Writes bytes at given positions of a file, out of reach of the writing thread's interrupts.
 *
 * <p>Why: the stores write on their callers' threads, and a thread interrupted during a file channel's I/O
 * closes the channel for every thread ({@code ClosedByInterruptException}): one interrupted caller, say a
 * request cancelled with {@code Future.cancel(true)}, would leave the store unable to write until it was
 * reopened. On Linux this writer calls {@code pwrite(2)} on a descriptor of its own, which an interrupt
 * does not touch; the file's channel stays for what is not done on callers' threads (mapping, forcing).
 * Elsewhere, or where native access is denied, it writes through the channel, and
 * {@link NativeFiles#unavailableReason()} says why.
 *
 * <p>Not thread-safe in itself: like the file it writes, it has one writer at a time.
 */
public final class PositionalWriter implements Closeable {

  private final FileChannel channel;
  private final int fd; // -1: writes go through the channel
  /** Where a write's errno lands: allocated once, as the writer has one thread at a time. */
  private final MemorySegment callState;
  private boolean closed;

  private PositionalWriter(FileChannel channel, int fd) {
    this.channel = channel;
    this.fd = fd;
    this.callState = fd < 0 ? null : NativeFiles.callState(Arena.ofAuto());
  }

  /**
   * A writer of {@code path}, an existing file that {@code channel} has open for writing. The channel
   * stays the caller's to close, after this writer.
   */
  public static PositionalWriter open(Path path, FileChannel channel) throws IOException {
    return NativeFiles.available() ? new PositionalWriter(channel, NativeFiles.openForWriting(path))
        : throughChannel(channel);
  }

  /** A writer through {@code channel}, as where native calls are unavailable. */
  static PositionalWriter throughChannel(FileChannel channel) {
    return new PositionalWriter(channel, -1);
  }

  /** Writes all of {@code src} at byte {@code position} of the file; a failure's message is the system's. */
  public void write(MemorySegment src, long position) throws IOException {
    if (closed) {
      throw new ClosedChannelException();
    }
    if (fd < 0) {
      var b = src.asByteBuffer();
      for (long p = position; b.hasRemaining(); ) {
        p += channel.write(b, p);
      }
    } else if (src.isNative()) {
      NativeFiles.writeFully(fd, src, position, callState);
    } else {
      try (Arena a = Arena.ofConfined()) { // a heap segment cannot be handed to a native call that may block
        NativeFiles.writeFully(fd, a.allocate(src.byteSize()).copyFrom(src), position, callState);
      }
    }
  }

  /** Whether writes bypass the channel, out of reach of interrupts. */
  public boolean isInterruptProof() {
    return fd >= 0;
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return; // once only: the descriptor's number may belong to another file by now
    }
    closed = true;
    if (fd >= 0) {
      NativeFiles.close(fd);
    }
  }
}
