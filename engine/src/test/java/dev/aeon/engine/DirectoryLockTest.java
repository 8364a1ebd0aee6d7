package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One Aeon at a time has a memory directory: a second open, in this process or another, is refused while the
 * first is open (two writers of one log would corrupt it), and allowed once it is closed or its process died.
 */
class DirectoryLockTest {

  @TempDir Path dir;

  @Test
  void aSecondOpenInThisProcessIsRefusedUntilTheFirstCloses() {
    try (Aeon first = Aeon.open(dir, EngineTest.options())) {
      first.memory().remember(Remember.event("s", "user", "held").vector(TestVectors.unit(1)));
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> Aeon.open(dir, EngineTest.options()));
      assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("already open"), e.getMessage());
      assertEquals(1, first.memory().stats().events(), "the refused open left the first one alone");
    }
    try (Aeon second = Aeon.open(dir, EngineTest.options())) {
      assertEquals(1, second.memory().stats().events());
    }
  }

  @Test
  void anOpenIsRefusedWhileAnotherProcessHoldsTheDirectoryAndAllowedOnceItIsKilled() throws Exception {
    Path ready = dir.resolve("ready");
    Process child = EngineCrashTest.startJvm(Holder.class, dir.resolve("memory").toString(), ready.toString());
    try {
      EngineCrashTest.awaitStart(child, ready);
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> Aeon.open(dir.resolve("memory"), EngineTest.options()));
      assertTrue(e.getMessage().contains("already open"), e.getMessage());
    } finally {
      child.destroyForcibly(); // SIGKILL: the operating system releases the lock of a dead process
      assertTrue(child.waitFor(30, TimeUnit.SECONDS));
    }
    try (Aeon after = Aeon.open(dir.resolve("memory"), EngineTest.options())) {
      assertEquals(1, after.memory().stats().events(), "the child's acknowledged event survived its kill");
    }
  }

  @Test
  void anOpenDeletesTheScratchSpaceACrashedExportLeft() throws Exception {
    Path leftover = dir.resolve("tmp").resolve("export-1").resolve("ns").resolve("default");
    Files.createDirectories(leftover);
    Files.writeString(leftover.resolve("some-file"), "half a snapshot");
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      assertFalse(Files.exists(dir.resolve("tmp")));
      assertEquals(List.of(), aeon.namespaceNames());
    }
  }

  /**
   * What a crash left under {@code tmp/} that cannot be deleted is left there, logged, and the directory opens and
   * is released as always. A folder that the deletion's walk could not enter threw out of the open with the directory
   * locked, so that every later open in this process was refused as "already open". Here it is one whose path is
   * longer than the system allows (built by moving one long chain of folders into another), as folder permissions
   * cannot stop a test that runs as root.
   */
  @Test
  void aLeftoverInTheScratchSpaceThatCannotBeDeletedIsLeftAndTheDirectoryOpens() throws Exception {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      aeon.memory().remember(Remember.event("s", "user", "kept").vector(TestVectors.unit(1)));
    }
    Path chain = dir.resolve("tmp").resolve("export-1");
    Path deep = longChain(chain);
    Path moved = longChain(dir.resolve("elsewhere"));
    Files.move(dir.resolve("elsewhere"), deep.resolve("more")); // each path is short enough; together they are not
    try {
      try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
        assertEquals(1, aeon.memory().stats().events());
      }
      try (Aeon again = Aeon.open(dir, EngineTest.options())) { // the first released the directory
        assertEquals(List.of("default"), again.namespaceNames());
      }
    } finally {
      Files.move(deep.resolve("more"), dir.resolve("elsewhere")); // short again, for the temporary folder's deletion
    }
    assertTrue(Files.isDirectory(moved));
  }

  /** Makes 15 nested folders of 200 characters under {@code top}; returns the innermost. */
  private static Path longChain(Path top) throws java.io.IOException {
    Path p = top;
    for (int i = 0; i < 15; i++) {
      p = p.resolve("d".repeat(200));
    }
    return Files.createDirectories(p);
  }

  /** Opens a memory, remembers one event under SYNC, says so in the ready file, then waits to be killed. */
  public static final class Holder {

    private Holder() {}

    public static void main(String[] args) throws Exception {
      Aeon aeon = Aeon.open(Path.of(args[0]), EngineTest.options());
      aeon.memory().remember(Remember.event("s", "user", "held by a child").vector(TestVectors.unit(2)));
      Files.writeString(Path.of(args[1]), "START");
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
