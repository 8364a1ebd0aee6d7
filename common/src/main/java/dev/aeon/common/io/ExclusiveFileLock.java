package dev.aeon.common.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive lock on a file, held until closed, that keeps a second owner (in this process or another) from
 * opening the directory the file guards. The operating system releases it when the process dies, so a killed
 * owner never leaves a directory locked. The file itself is left in place: deleting it could let two owners
 * lock two different files of one name.
 *
 * <p>On POSIX systems the lock belongs to the process, not to the channel: closing any descriptor of the file
 * that this process opened by other means (a copy of the directory that reads every file, {@link DataExtents})
 * drops it, silently. Code that walks a locked directory must leave its lock file alone.
 */
public final class ExclusiveFileLock implements Closeable {

  /**
   * The files this process holds locked (their file keys, or real paths where the system has none). A second
   * attempt on one of them is refused here, before it opens the file: on POSIX systems the lock is the
   * process's, and closing any descriptor of the file, such as the channel of a refused attempt, drops it,
   * which let another process take a directory this process still had open.
   */
  private static final Set<Object> HELD = ConcurrentHashMap.newKeySet();

  private final FileChannel channel;
  private final Object key;
  private boolean closed;

  private ExclusiveFileLock(FileChannel channel, Object key) {
    this.channel = channel;
    this.key = key;
  }

  /**
   * Locks {@code file}, creating it if needed; returns null if it is locked already, by this process (the JDK
   * refuses a second lock of one file in a process) or another.
   */
  public static ExclusiveFileLock tryAcquire(Path file) throws IOException {
    try {
      Files.createFile(file); // opens no descriptor of a file that exists (and may be locked by us)
    } catch (FileAlreadyExistsException e) {
      // the usual case
    }
    Object key = keyOf(file);
    if (!HELD.add(key)) {
      return null;
    }
    boolean locked = false;
    try {
      FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // locked through a channel that this class did not open
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
      if (lock == null) {
        channel.close();
        return null;
      }
      locked = true;
      return new ExclusiveFileLock(channel, key);
    } finally {
      if (!locked) {
        HELD.remove(key);
      }
    }
  }

  /**
   * Whether {@code file} is still the file locked. An owner that deletes its file when done lets a second one
   * lock a file of that name that a third has made meanwhile, and the second may hold the deleted file locked:
   * that owner must check this, and give up, after locking.
   */
  public boolean stillAt(Path file) throws IOException {
    try {
      return keyOf(file).equals(key); // the open channel keeps the locked file, so no new file takes its key
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  private static Object keyOf(Path file) throws IOException {
    Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    return key != null ? key : file.toRealPath();
  }

  /** Releases the lock (closing the channel releases it). A second call does nothing. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return; // once only: the file may be locked by a later owner in this process by now
    }
    closed = true;
    try {
      channel.close();
    } finally {
      HELD.remove(key);
    }
  }
}
