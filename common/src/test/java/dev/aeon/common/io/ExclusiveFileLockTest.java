package dev.aeon.common.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import dev.aeon.common.testing.OtherProcessLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExclusiveFileLockTest {

  @TempDir
  Path tmp;

  @Test
  void aSecondAttemptInTheSameProcessKeepsTheFirstLockHeldAgainstOtherProcesses() throws Exception {
    Path file = tmp.resolve("dir.lock");
    try (ExclusiveFileLock first = ExclusiveFileLock.tryAcquire(file)) {
      assertNotNull(first);
      assertEquals("locked", otherProcessTries(file), "another process must be kept out");
      assertNull(ExclusiveFileLock.tryAcquire(file), "a second owner in this process must be refused");
      // The refused attempt must not have released the first owner's lock: on POSIX systems closing any
      // descriptor of a file drops every lock the process holds on it.
      assertEquals("locked", otherProcessTries(file), "the refused attempt released the first owner's lock");
    }
    assertEquals("acquired", otherProcessTries(file), "closing the lock must release it");
  }

  @Test
  void aClosedLockCanBeTakenAgainInTheSameProcess() throws Exception {
    Path file = tmp.resolve("dir.lock");
    ExclusiveFileLock first = ExclusiveFileLock.tryAcquire(file);
    assertNotNull(first);
    first.close();
    first.close(); // a second close is harmless and must not release a later owner's lock
    try (ExclusiveFileLock again = ExclusiveFileLock.tryAcquire(file)) {
      assertNotNull(again);
      first.close();
      assertNull(ExclusiveFileLock.tryAcquire(file));
      assertEquals("locked", otherProcessTries(file));
    }
  }

  /**
   * An owner that locked a file which was then deleted, or replaced by another of its name, learns so: it holds
   * no lock on the file of that name any more.
   */
  @Test
  void aLockedFileDeletedOrReplacedIsNoLongerTheFileLocked() throws Exception {
    Path file = tmp.resolve("mark");
    try (ExclusiveFileLock lock = ExclusiveFileLock.tryAcquire(file)) {
      assertTrue(lock.stillAt(file));
      Files.delete(file);
      assertFalse(lock.stillAt(file));
      Files.createFile(file);
      assertFalse(lock.stillAt(file));
      assertEquals("acquired", otherProcessTries(file));
    }
  }

  /** "locked" if another process could not take the lock, else "acquired". */
  private static String otherProcessTries(Path file) throws IOException, InterruptedException {
    return OtherProcessLock.tries(List.of(file)).getFirst();
  }
}
