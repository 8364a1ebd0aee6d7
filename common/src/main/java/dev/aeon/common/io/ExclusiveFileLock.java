package dev.aeon.common.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a file, held until closed, that keeps a second owner (in this process or another) from
 * opening the directory the file guards. The operating system releases it when the process dies, so a killed
 * owner never leaves a directory locked. The file itself is left in place: deleting it could let two owners
 * lock two different files of one name.
 */
public final class ExclusiveFileLock implements Closeable {

  private final FileChannel channel;

  private ExclusiveFileLock(FileChannel channel) {
    this.channel = channel;
  }

  /**
   * Locks {@code file}, creating it if needed; returns null if it is locked already, by this process (the JDK
   * refuses a second lock of one file in a process) or another.
   */
  public static ExclusiveFileLock tryAcquire(Path file) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      channel.close();
      return null;
    }
    return new ExclusiveFileLock(channel);
  }

  /** Releases the lock (closing the channel releases it). */
  @Override
  public void close() throws IOException {
    channel.close();
  }
}
