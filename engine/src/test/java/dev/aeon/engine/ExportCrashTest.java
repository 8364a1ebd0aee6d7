package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An export cut short by a crash: a child JVM ({@link ExportChild}) is killed with SIGKILL while its export has
 * written part of the file. The export's file must not exist then (a part of one under its name would pass for the
 * user's export); what the kill left is a temporary file named after it, and the next export to the same file works.
 */
class ExportCrashTest {

  @TempDir Path dir;

  @Test
  void anExportCutShortByAKillLeavesNoFileUnderItsName() throws Exception {
    Path data = dir.resolve("data");
    Path file = dir.resolve("out").resolve("agent.jsonl");
    Files.createDirectories(file.getParent());
    Path acks = Files.createFile(dir.resolve("acks.txt"));
    Process child = EngineCrashTest.startJvm(ExportChild.class, data.toString(), file.toString(), acks.toString());
    try {
      EngineCrashTest.awaitReport(acks, "HELD", "export held part way");
    } finally {
      child.destroyForcibly();
      assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not die");
    }
    assertFalse(Files.exists(file), "a kill part way left part of an export under its name");
    try (Stream<Path> files = Files.list(file.getParent())) {
      List<String> left = files.map(p -> p.getFileName().toString()).toList();
      assertEquals(1, left.size(), left.toString());
      assertTrue(left.getFirst().startsWith(".agent.jsonl.") && left.getFirst().endsWith(".aeon-export-partial"),
          left.toString());
    }
    try (Aeon aeon = Aeon.open(data, EngineTest.options())) {
      assertEquals(ExportChild.EVENTS, aeon.exportNamespace(Aeon.DEFAULT_NAMESPACE, file).events(),
          "the next export to the same file");
    }
    try (Aeon copy = Aeon.open(dir.resolve("copy"), EngineTest.options())) {
      assertEquals(ExportChild.EVENTS, copy.importNamespace("agent", file).events());
    }
  }
}
