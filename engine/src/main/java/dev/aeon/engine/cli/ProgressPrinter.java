package dev.aeon.engine.cli;

import dev.aeon.engine.TransferProgress;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Prints how far an export or import has got, at most once per interval, so that a long one is not silent
 * and a short one prints nothing: {@code import agent: 45,000 of 100,000 events (45%)}.
 */
final class ProgressPrinter implements TransferProgress {

  private final String label;
  private final PrintStream out;
  private final long intervalNanos;
  private long lastPrinted = System.nanoTime();
  private Step step;
  private long done;
  /** When the phase of the last report began. */
  private long phaseSince;

  ProgressPrinter(String label, PrintStream out, long intervalNanos) {
    this.label = label;
    this.out = out;
    this.intervalNanos = intervalNanos;
  }

  @Override
  public void report(Step step, long done, long total) {
    long now = System.nanoTime();
    if (step != this.step || step == Step.FINISHING && done != this.done) {
      phaseSince = now;
    }
    this.step = step;
    this.done = done;
    if (now - lastPrinted < intervalNanos) {
      return;
    }
    lastPrinted = now;
    long percent = total == 0 ? 100 : done * 100 / total;
    String counted = switch (step) {
      case SNAPSHOT_BYTES -> String.format(Locale.ROOT, "snapshot: copied %,.1f of %,.1f MB (%d%%)", done / 1e6,
          total / 1e6, percent);
      case REPLAYING -> String.format(Locale.ROOT, "snapshot: replayed %,d of %,d log records (%d%%)", done, total,
          percent);
      case CHECKING_BYTES -> String.format(Locale.ROOT, "checked %,.1f of %,.1f MB (%d%%)", done / 1e6, total / 1e6,
          percent);
      case EVENTS -> String.format(Locale.ROOT, "%,d of %,d events (%d%%)", done, total, percent);
      case LINKS -> String.format(Locale.ROOT, "%,d of %,d links (%d%%)", done, total, percent);
      case FINISHING -> String.format(Locale.ROOT, "finishing: %s (%d s)",
          done == 1 ? "forcing its files to disk" : "renaming it into place",
          TimeUnit.NANOSECONDS.toSeconds(now - phaseSince));
    };
    out.println(label + ": " + counted);
  }
}
