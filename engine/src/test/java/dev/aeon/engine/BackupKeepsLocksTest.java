package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.aeon.common.testing.OtherProcessLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup of an open namespace leaves its log's and its arena's locks held against other processes. The copy
 * opened and closed every file of the namespace's folder, the lock files too, and on POSIX systems closing any
 * descriptor of a file drops every lock the process holds on it: another process could then take both.
 */
class BackupKeepsLocksTest {

  @TempDir Path dir;

  @Test
  void aBackupLeavesTheNamespacesLocksHeld() throws Exception {
    Path live = dir.resolve("live");
    try (Aeon aeon = Aeon.open(live, EngineTest.options())) {
      aeon.memory().remember(Remember.event("s", "user", "kept").withoutVector());
      Path ns = live.resolve("ns").resolve("default");
      List<Path> locks = List.of(ns.resolve("wal").resolve("LOCK"), ns.resolve("blobs").resolve("blobs.lock"));
      assertEquals(List.of("locked", "locked"), OtherProcessLock.tries(locks), "before the backup");
      aeon.backup("default", dir.resolve("copy"));
      assertEquals(List.of("locked", "locked"), OtherProcessLock.tries(locks),
          "the backup released the namespace's locks");
      Path copied = dir.resolve("copy").resolve("ns").resolve("default");
      assertFalse(Files.exists(copied.resolve("wal").resolve("LOCK")), "a lock file was copied");
      assertFalse(Files.exists(copied.resolve("blobs").resolve("blobs.lock")), "a lock file was copied");
    }
    try (Aeon copy = Aeon.open(dir.resolve("copy"), EngineTest.options())) {
      assertEquals("kept", copy.memory().history("s", 1).getFirst().text());
    }
  }
}
