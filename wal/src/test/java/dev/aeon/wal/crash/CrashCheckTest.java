package dev.aeon.wal.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash test by crashing: 50 child JVMs append SYNC (sometimes ASYNC) records from 1-8 threads to one
 * log and are killed with SIGKILL at random moments; after each kill every acknowledged record must
 * be back, intact, with gapless LSNs. Rerun a failure with {@code -Daeon.wal.crash.seed=SEED}; the long
 * run lives in the fuzz module.
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
    assertEquals(java.util.List.of(), r.problems(), "seed " + seed);
    assertEquals(0, r.lost(), "seed " + seed);
    assertEquals(50, r.cycles());
    assertTrue(r.acknowledged() > 0, "the children acknowledged records");
    assertTrue(r.recordsChecked() > 0, "records were read back");
  }
}
