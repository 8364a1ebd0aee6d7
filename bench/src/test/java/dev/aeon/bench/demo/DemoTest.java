package dev.aeon.bench.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the whole demo (model, engine, child JVM killed with SIGKILL) and checks what it claims. */
class DemoTest {

  @Test
  void theDemoRunsEndToEndAndEveryClaimHolds(@TempDir Path dir) throws Exception {
    Demo.Summary s = new Demo().run(dir);
    assertEquals(s.questions(), s.answeredInTop5(), "every demo question finds an answering turn in the top 5");
    assertTrue(s.forgottenGone(), "the forgotten turn is gone from get and recall");
    assertEquals(25, s.crash().acknowledged());
    assertEquals(s.crash().acknowledged(), s.crash().recovered(), String.join("; ", s.crash().problems()));
    assertEquals(DemoConversation.load().turns().size() - 1, s.turnsKept());
  }

  @Test
  void aFileOrAFolderInUseIsRefusedWithAMessage(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("notes.txt"), "mine");
    var notAFolder = assertThrows(IllegalArgumentException.class, () -> Demo.freshDirectory(file));
    assertTrue(notAFolder.getMessage().contains("is not a folder"), notAFolder.getMessage());
    var notEmpty = assertThrows(IllegalArgumentException.class, () -> Demo.freshDirectory(dir));
    assertTrue(notEmpty.getMessage().contains("is not empty"), notEmpty.getMessage());
    assertEquals(dir.resolve("new"), Demo.freshDirectory(dir.resolve("new")));
  }

  @Test
  void anInterruptedDemoDeletesItsTemporaryFolder(@TempDir Path tmp) throws Exception {
    Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
        "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"), Demo.class.getName())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String first = out.readLine();
      assertTrue(first != null && first.startsWith("Aeon demo: memory in "), "first line: " + first);
      Path dir = Path.of(first.substring("Aeon demo: memory in ".length()));
      assertTrue(Files.isDirectory(dir));
      p.destroy(); // SIGTERM, which stops a JVM as Ctrl-C does: shutdown hooks run, finally blocks do not
      assertTrue(p.waitFor(60, TimeUnit.SECONDS));
      assertTrue(Files.notExists(dir), "left behind: " + dir);
    } finally {
      p.destroyForcibly();
    }
  }
}
