package dev.aeon.wal.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.wal.Wal;
import dev.aeon.wal.WalOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash test by crashing: 50 child JVMs append SYNC (sometimes ASYNC) records from 1-8 threads to one
 * log and are killed with SIGKILL at random moments; after each kill every acknowledged record must
 * be back, intact, with gapless LSNs, and no record twice. Rerun a failure with
 * {@code -Daeon.wal.crash.seed=SEED}; the long run lives in the fuzz module.
 */
class CrashCheckTest {

  @TempDir
  Path dir;

  @Test
  void fiftyKillNineCyclesLoseNoAcknowledgedRecord() throws Exception {
    long seed = Long.getLong("aeon.wal.crash.seed", System.nanoTime());
    System.out.println("CrashCheckTest seed " + seed + " (rerun with -Daeon.wal.crash.seed=" + seed + ")");
    CrashCheck.Result r = CrashCheck.run(new CrashCheck.Config(dir.resolve("log"), 50, seed, 64 << 10, System.out));
    System.out.println(r);
    assertEquals(List.of(), r.problems(), "seed " + seed);
    assertEquals(0, r.lost(), "seed " + seed);
    assertEquals(0, r.repeated(), "seed " + seed);
    assertEquals(50, r.cycles());
    assertTrue(r.acknowledged() > 0, "the children acknowledged records");
    assertTrue(r.recordsChecked() > 0, "records were read back");
  }

  /**
   * A log that holds a record twice (as a recovery that replayed frames again would leave it) fails the check,
   * though its LSNs are gapless and every acknowledged record is intact; the same log without the repeat passes.
   */
  @Test
  void aRecordFoundTwiceAfterRecoveryFailsTheCheck() throws IOException {
    CrashRecord first = new CrashRecord(1, 0, 0);
    CrashRecord second = new CrashRecord(1, 0, 1);
    assertEquals(List.of(), check(dir.resolve("once"), first, second));
    List<String> problems = check(dir.resolve("twice"), first, second, first);
    assertEquals(List.of("cycle 1: LSN 3 repeats " + first + " of LSN 1"), problems);
  }

  /** Appends {@code records} to a new log in {@code log}, then checks it as after a cycle's kill. */
  private static List<String> check(Path log, CrashRecord... records) throws IOException {
    try (Wal wal = Wal.open(log, WalOptions.defaults().segmentSize(64 << 10).maxPayload(1024))) {
      for (CrashRecord r : records) {
        wal.appendAndWait(CrashRecord.TYPE, r.encode());
      }
    }
    CrashCheck check = new CrashCheck(new CrashCheck.Config(log, 1, 0, 64 << 10, System.out));
    check.verify(1);
    return check.problems();
  }
}
