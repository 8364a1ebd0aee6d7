package dev.aeon.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.engine.TransferProgress.Step;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProgressPrinterTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final PrintStream stream = new PrintStream(out, true, StandardCharsets.UTF_8);

  @Test
  void printsEachStepInItsUnits() {
    ProgressPrinter p = new ProgressPrinter("import agent", stream, 0);
    p.report(Step.CHECKING_BYTES, 120_500_000, 422_000_000);
    p.report(Step.EVENTS, 45_000, 100_000);
    p.report(Step.LINKS, 3, 3);
    assertEquals("""
        import agent: checked 120.5 of 422.0 MB (28%)
        import agent: 45,000 of 100,000 events (45%)
        import agent: 3 of 3 links (100%)
        """, out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void printsNothingBeforeTheIntervalHasPassed() {
    ProgressPrinter p = new ProgressPrinter("export agent", stream, Long.MAX_VALUE);
    for (int i = 1; i <= 1000; i++) {
      p.report(Step.EVENTS, i, 1000);
    }
    assertEquals("", out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void printsTheSnapshotOfAnExportAndTheLastPhaseOfAnImport() {
    ProgressPrinter p = new ProgressPrinter("export agent", stream, 0);
    p.report(Step.SNAPSHOT_BYTES, 105_500_000, 422_000_000);
    p.report(Step.REPLAYING, 30_000, 40_000);
    p.report(Step.FINISHING, 1, 2);
    p.report(Step.FINISHING, 2, 2);
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(List.of("export agent: snapshot: copied 105.5 of 422.0 MB (25%)",
        "export agent: snapshot: replayed 30,000 of 40,000 log records (75%)"), lines.subList(0, 2));
    assertTrue(lines.get(2).matches("export agent: finishing: forcing its files to disk \\(\\d+ s\\)"), lines.get(2));
    assertTrue(lines.get(3).matches("export agent: finishing: renaming it into place \\(\\d+ s\\)"), lines.get(3));
  }

  /**
   * A phase that reports nothing while it runs (an import's closing checkpoint) is not silent: the last report is
   * printed again whenever an interval passes without a line, until the printer is closed.
   */
  @Test
  void aPhaseThatReportsNothingWhileItRunsIsPrintedAgainEachInterval() throws InterruptedException {
    List<String> lines;
    try (ProgressPrinter p = new ProgressPrinter("import agent", stream, TimeUnit.MILLISECONDS.toNanos(1))) {
      p.report(Step.FINISHING, 1, 2);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (out.toString(StandardCharsets.UTF_8).lines().count() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
    }
    lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertTrue(lines.size() >= 3, lines.toString());
    for (String line : lines) {
      assertTrue(line.matches("import agent: finishing: forcing its files to disk \\(\\d+ s\\)"), line);
    }
    assertEquals(lines, out.toString(StandardCharsets.UTF_8).lines().toList(), "printed after the close");
  }
}
