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
