package dev.aeon.bench.wal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The naive baseline: every record framed like the WAL's (length, CRC32C, LSN, type, payload), written
 * with its own write call and forced with its own {@code force(false)}; no ring, no batching. The file is
 * preallocated with zeros like a WAL segment, so the two differ only in batching.
 */
final class FsyncPerRecord implements Closeable {

  private final FileChannel channel;
  private final long size;
  private final ByteBuffer frame;
  private final CRC32C crc = new CRC32C();
  private long position;
  private long lsn;
  private long forces;

  FsyncPerRecord(Path file, long size, int payloadBytes) throws IOException {
    this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.READ, StandardOpenOption.WRITE);
    this.size = size;
    ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
    for (long pos = 0; pos < size; pos += zeros.capacity()) {
      channel.write(zeros.clear(), pos);
    }
    channel.force(true);
    this.frame = ByteBuffer.allocateDirect(17 + payloadBytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Appends one record and forces it before returning. Single-threaded. */
  void append(byte[] payload) throws IOException {
    frame.clear();
    frame.putInt(payload.length).putInt(0).putLong(++lsn).put((byte) 1).put(payload);
    crc.reset();
    crc.update(frame.flip().slice(8, frame.limit() - 8));
    frame.putInt(4, (int) crc.getValue());
    if (position + frame.limit() > size) {
      position = 0; // wrap around inside the preallocated file
    }
    while (frame.hasRemaining()) {
      position += channel.write(frame, position);
    }
    channel.force(false);
    forces++;
  }

  long forces() {
    return forces;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
