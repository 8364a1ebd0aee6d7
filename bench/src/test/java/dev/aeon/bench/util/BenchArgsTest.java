package dev.aeon.bench.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.bench.Bench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchArgsTest {

  private static final List<String> FLAGS = List.of("--quick");
  private static final Map<String, String> OPTIONS = Map.of("--dir", "DIR");

  @Test
  void flagsAndValuesAreRead() {
    BenchArgs a = BenchArgs.parse(new String[] {"--dir", "x", "--quick"}, FLAGS, OPTIONS);
    assertTrue(a.has("--quick"));
    assertEquals("x", a.value("--dir"));
    BenchArgs none = BenchArgs.parse(new String[0], FLAGS, OPTIONS);
    assertFalse(none.has("--quick"));
    assertNull(none.value("--dir"));
  }

  @Test
  void anUnknownArgumentOrAMissingValueIsRefused() {
    var typo = assertThrows(IllegalArgumentException.class, () -> BenchArgs.parse(new String[] {"--quik"}, FLAGS, OPTIONS));
    assertEquals("unknown argument '--quik'", typo.getMessage());
    var missing = assertThrows(IllegalArgumentException.class,
        () -> BenchArgs.parse(new String[] {"--quick", "--dir"}, FLAGS, OPTIONS));
    assertEquals("--dir needs a value", missing.getMessage());
  }

  @Test
  void aMistypedQuickStopsTheBenchWithAUsageErrorInsteadOfAFullRun(@TempDir Path dir) throws Exception {
    Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
        "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), Bench.class.getName(), "trace", "--quik")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(dir.resolve("err.txt").toFile()).start();
    boolean ended = p.waitFor(30, TimeUnit.SECONDS);
    p.destroyForcibly();
    assertTrue(ended, "the trace bench ran instead of refusing '--quik'");
    String err = Files.readString(dir.resolve("err.txt"));
    assertEquals(2, p.exitValue(), err);
    assertTrue(err.contains("unknown argument '--quik'") && err.contains("usage: ./aeon bench trace [--quick]"), err);
  }
}
