package dev.aeon.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What closing a log releases, whatever else its close meets. */
class WalCloseTest {

  @TempDir
  Path dir;

  /**
   * A close whose clean-up fails (its folder replaced by a file, so the preallocated segment cannot be deleted)
   * still releases the log's lock: it was released after that clean-up only, so once the folder was back every open
   * in this process said "the WAL is already open for writing" for good (a server's namespace that failed under such
   * a fault could never be opened again).
   */
  @Test
  void aCloseWhoseCleanUpFailsStillReleasesTheLock() throws IOException {
    Path wal = dir.resolve("wal");
    Path away = dir.resolve("away");
    Wal log = Wal.open(wal, WalTest.small());
    log.appendAndWait((byte) 1, "kept".getBytes(StandardCharsets.UTF_8));
    Files.move(wal, away);
    Files.writeString(wal, "not a folder");
    assertThrows(IOException.class, log::close);
    Files.delete(wal);
    Files.move(away, wal);
    try (Wal reopened = Wal.open(wal, WalTest.small())) {
      assertEquals(1, reopened.lastLsn());
    }
  }
}
