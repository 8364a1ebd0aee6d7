package dev.aeon.common.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.io.ExclusiveFileLock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Asks another JVM to take file locks: a lock's holder must keep other processes out, and only another process
 * can tell (on POSIX systems a process never conflicts with its own locks).
 */
public final class OtherProcessLock {

  private OtherProcessLock() {}

  /** For each file in order, "locked" if another process could not take its lock, else "acquired" (then released). */
  public static List<String> tries(List<Path> files) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xshare:auto", "-cp",
        System.getProperty("java.class.path"), Child.class.getName()));
    files.forEach(f -> command.add(f.toString()));
    Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not end");
    assertEquals(0, child.exitValue(), "the child failed: " + out);
    return List.of(out.split(" "));
  }

  /** The other process: tries once to take the lock of each file named, and prints what it found. */
  public static final class Child {
    public static void main(String[] args) throws IOException {
      StringBuilder out = new StringBuilder();
      for (String file : args) {
        try (ExclusiveFileLock lock = ExclusiveFileLock.tryAcquire(Path.of(file))) {
          out.append(out.isEmpty() ? "" : " ").append(lock == null ? "locked" : "acquired");
        }
      }
      System.out.println(out);
    }
  }
}
