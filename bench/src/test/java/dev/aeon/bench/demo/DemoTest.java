package dev.aeon.bench.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the whole demo (model, engine, child JVM killed with SIGKILL) and checks what it claims. */
class DemoTest {

  /**
   * The demo's claims hold, and the README's abridged copy of its output is its output: each line the README shows is
   * a line the demo printed, in that order, its numbers aside (timings vary). The README showed two lines without
   * the timings the demo prints in them.
   */
  @Test
  void theDemoRunsEndToEndAndEveryClaimHolds(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream out = System.out;
    Demo.Summary s;
    try (PrintStream both = new PrintStream(new TeeOutputStream(out, printed), true, StandardCharsets.UTF_8)) {
      System.setOut(both);
      s = new Demo().run(dir);
    } finally {
      System.setOut(out);
    }
    assertReadmeShowsTheDemosOutput(printed.toString(StandardCharsets.UTF_8).lines().toList());
    assertEquals(s.questions(), s.answeredInTop5(), "every demo question finds an answering turn in the top 5");
    assertTrue(s.forgottenGone(), "the forgotten turn is gone from get and recall");
    assertEquals(25, s.crash().acknowledged());
    assertEquals(s.crash().acknowledged(), s.crash().recovered(), String.join("; ", s.crash().problems()));
    assertEquals(DemoConversation.load().turns().size() - 1, s.turnsKept());
  }

  /** Each line of the README's block of demo output, but its "..." lines, is among {@code printed}, in order. */
  private static void assertReadmeShowsTheDemosOutput(List<String> printed) throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    int from = readme.indexOf("```\n", readme.indexOf("`./aeon demo` remembers")) + 4;
    List<String> shown = readme.substring(from, readme.indexOf("```", from)).lines()
        .filter(l -> !l.isBlank() && !l.strip().equals("...")).toList();
    assertTrue(shown.size() > 10, "the README shows the demo's output: " + shown);
    List<String> lines = printed.stream().map(DemoTest::withoutNumbers).toList();
    int at = 0;
    for (String line : shown) {
      int found = lines.subList(at, lines.size()).indexOf(withoutNumbers(line));
      assertTrue(found >= 0, "README.md shows a line the demo did not print (or not there):\n" + line
          + "\n--- the demo printed:\n" + String.join("\n", printed));
      at += found + 1;
    }
  }

  private static String withoutNumbers(String line) {
    return line.replaceAll("[0-9]+(\\.[0-9]+)?", "#");
  }

  /** Writes to two streams: what the demo prints is seen and kept. */
  private static final class TeeOutputStream extends OutputStream {
    private final OutputStream first;
    private final OutputStream second;

    TeeOutputStream(OutputStream first, OutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void write(int b) throws IOException {
      first.write(b);
      second.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      first.write(b, off, len);
      second.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      first.flush();
      second.flush();
    }
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
