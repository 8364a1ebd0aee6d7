package dev.aeon.fuzz.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aeon.wal.crash.CrashCheck;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WAL's kill -9 crash check at length ({@code ./aeon fuzz} sets {@code aeon.fuzz.long=true}):
 * {@code aeon.wal.crash.cycles} child JVMs (default 400) killed at random moments, one log throughout;
 * {@code aeon.test.seed} reruns a seed.
 */
class WalCrashLongTest {

  @TempDir
  Path dir;

  @Test
  void killNineCyclesLoseNoAcknowledgedRecord() throws Exception {
    assumeTrue(Boolean.getBoolean("aeon.fuzz.long"), "long runs need -Daeon.fuzz.long=true (./aeon fuzz)");
    long seed = Long.getLong("aeon.test.seed", System.nanoTime());
    int cycles = Integer.getInteger("aeon.wal.crash.cycles", 400);
    System.out.println("WalCrashLongTest seed " + seed + ", " + cycles + " cycles");
    CrashCheck.Result r = CrashCheck.run(new CrashCheck.Config(dir.resolve("log"), cycles, seed, 64 << 10,
        System.out));
    System.out.println(r);
    assertEquals(List.of(), r.problems(), "seed " + seed);
    assertEquals(0, r.lost(), "seed " + seed);
    assertEquals(0, r.repeated(), "seed " + seed);
  }
}
