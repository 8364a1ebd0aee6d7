package dev.aeon.bench.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalBenchTest {

  @Test
  void aFolderGivenWithDirKeepsWhatItHeld(@TempDir Path disk) throws Exception {
    Path mine = Files.writeString(disk.resolve("mine.txt"), "not the bench's");
    Path work = WalBench.workDir(disk.toString());
    dev.aeon.bench.util.BenchFiles.deleteTree(work); // what a run does before it starts and when it is done
    assertTrue(Files.exists(mine), "the bench deleted a file of the folder it was given");
    assertEquals(disk, work.getParent());
  }
}
