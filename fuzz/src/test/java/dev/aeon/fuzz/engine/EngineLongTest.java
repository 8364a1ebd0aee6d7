package dev.aeon.fuzz.engine;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aeon.engine.BackupCrashTest;
import dev.aeon.engine.BitFlipTest;
import dev.aeon.engine.DropCrashTest;
import dev.aeon.engine.EngineCrashTest;
import dev.aeon.engine.EngineModelTest;
import dev.aeon.engine.ImportCrashTest;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's model, crash, bit-flip, backup crash, drop crash and import crash tests at length: {@code ./aeon fuzz}
 * sets {@code aeon.fuzz.long=true}; {@code aeon.model.ops}, {@code aeon.crash.cycles}, {@code aeon.bitflip.flips},
 * {@code aeon.backup.crash.cycles}, {@code aeon.drop.crash.cycles} and {@code aeon.import.crash.cycles} size them
 * (defaults 20,000, 300, 200 flips per file, 50, 50 and 50).
 */
class EngineLongTest {

  @TempDir
  Path dir;

  @BeforeEach
  void onlyWhenAskedFor() {
    assumeTrue(Boolean.getBoolean("aeon.fuzz.long"), "long runs need -Daeon.fuzz.long=true (./aeon fuzz)");
  }

  @Test
  void modelTest() {
    EngineModelTest.run(dir, Long.getLong("aeon.test.seed", System.nanoTime()),
        Integer.getInteger("aeon.model.ops", 20_000));
  }

  @Test
  void crashTest() throws Exception {
    EngineCrashTest.run(dir, Long.getLong("aeon.test.seed", System.nanoTime()),
        Integer.getInteger("aeon.crash.cycles", 300));
  }

  @Test
  void bitFlipTest() throws Exception {
    BitFlipTest.run(dir, Long.getLong("aeon.test.seed", System.nanoTime()),
        Integer.getInteger("aeon.bitflip.flips", 200));
  }

  @Test
  void backupCrashTest() throws Exception {
    BackupCrashTest.run(dir, Long.getLong("aeon.test.seed", System.nanoTime()),
        Integer.getInteger("aeon.backup.crash.cycles", 50));
  }

  @Test
  void dropCrashTest() throws Exception {
    DropCrashTest.run(dir, Long.getLong("aeon.test.seed", System.nanoTime()),
        Integer.getInteger("aeon.drop.crash.cycles", 50));
  }

  @Test
  void importCrashTest() throws Exception {
    ImportCrashTest.run(dir, Long.getLong("aeon.test.seed", System.nanoTime()),
        Integer.getInteger("aeon.import.crash.cycles", 50));
  }
}
