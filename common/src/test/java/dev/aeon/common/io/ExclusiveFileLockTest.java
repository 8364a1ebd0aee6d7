package dev.aeon.common.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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

  /** Runs {@link Child} in another JVM; returns what it printed: "locked" or "acquired". */
  private static String otherProcessTries(Path file) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse(
        Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Process child = new ProcessBuilder(java, "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
        Child.class.getName(), file.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not end");
    assertEquals(0, child.exitValue(), "the child failed: " + out);
    return out;
  }

  /** The other process: tries to take the lock once. */
  public static final class Child {
    public static void main(String[] args) throws IOException {
      try (ExclusiveFileLock lock = ExclusiveFileLock.tryAcquire(Path.of(args[0]))) {
        System.out.println(lock == null ? "locked" : "acquired");
      }
    }
  }
}
