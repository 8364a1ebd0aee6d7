package dev.aeon.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * Opens channels that write normally until a byte budget shared by all of them runs out, then fail:
 * either before writing anything of the write that crosses the budget ({@link Mode#FAIL}) or after
 * writing the part that fits ({@link Mode#TEAR}, a write cut short). Every later write or force fails
 * too, as if the process had died. Forces are skipped (they cost time and this test is about bytes).
 */
final class FaultyChannels implements ChannelOpener {

  enum Mode { FAIL, TEAR }

  private final Mode mode;
  private final long initialBudget;
  private long budget;
  private boolean tripped;
  /** Where the failing write was going, and what of it was written (TEAR). */
  /** Every write let through whole: {global offset of its first byte, length, 1 if all zero}. */
  final java.util.List<long[]> writes = new java.util.ArrayList<>();
  Path tornFile;
  long tornPosition = -1;
  byte[] tornBytes = new byte[0];

  FaultyChannels(long budget, Mode mode) {
    this.budget = budget;
    this.initialBudget = budget;
    this.mode = mode;
  }

  /** Bytes written through these channels so far. */
  synchronized long written() {
    return initialBudget - budget;
  }

  synchronized boolean tripped() {
    return tripped;
  }

  @Override
  public FileChannel open(Path path, OpenOption... options) throws IOException {
    return new Faulty(path, FileChannel.open(path, options));
  }

  /** Lets {@code src.remaining()} bytes through, or the part within the budget; returns how many. */
  private synchronized int admit(Path file, ByteBuffer src, long position) throws IOException {
    if (tripped) {
      throw new IOException("injected failure: the log already failed");
    }
    if (src.remaining() <= budget) {
      writes.add(new long[] {written(), src.remaining(), allZero(src) ? 1 : 0});
      budget -= src.remaining();
      return src.remaining();
    }
    tripped = true;
    int allowed = mode == Mode.TEAR ? (int) budget : 0;
    tornFile = file;
    tornPosition = position;
    tornBytes = new byte[allowed];
    src.duplicate().get(tornBytes);
    return -1 - allowed;
  }

  private static boolean allZero(ByteBuffer src) {
    for (int i = src.position(); i < src.limit(); i++) {
      if (src.get(i) != 0) {
        return false;
      }
    }
    return true;
  }

  private synchronized void checkAlive() throws IOException {
    if (tripped) {
      throw new IOException("injected failure: the log already failed");
    }
  }

  private final class Faulty extends ForwardingChannel {
    private final Path path;

    Faulty(Path path, FileChannel delegate) {
      super(delegate);
      this.path = path;
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      int admitted = admit(path, src, position);
      if (admitted >= 0) {
        return delegate.write(src, position);
      }
      int prefix = -1 - admitted;
      if (prefix > 0) {
        ByteBuffer part = src.slice(src.position(), prefix);
        while (part.hasRemaining()) {
          delegate.write(part, position + part.position());
        }
      }
      throw new IOException("injected failure after " + prefix + " bytes of a " + src.remaining()
          + "-byte write at " + path.getFileName() + ":" + position);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      int n = write(src, delegate.position());
      delegate.position(delegate.position() + n);
      return n;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      long n = 0;
      for (int i = offset; i < offset + length; i++) {
        n += write(srcs[i]);
      }
      return n;
    }

    @Override
    public void force(boolean metaData) throws IOException {
      checkAlive();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      checkAlive();
      delegate.truncate(size);
      return this;
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) {
      throw new UnsupportedOperationException("the WAL does not transfer into its files");
    }
  }
}
