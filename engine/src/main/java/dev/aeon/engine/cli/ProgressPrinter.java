package dev.aeon.engine.cli;

import dev.aeon.engine.TransferProgress;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Prints how far an export or import has got, at most once per interval, so that a long one is not silent
 * and a short one prints nothing: {@code import agent: 45,000 of 100,000 events (45%)}.
 */
final class ProgressPrinter implements TransferProgress {

  private final String label;
  private final PrintStream out;
  private final long intervalNanos;
  private long lastPrinted = System.nanoTime();

  ProgressPrinter(String label, PrintStream out, long intervalNanos) {
    this.label = label;
    this.out = out;
    this.intervalNanos = intervalNanos;
  }

  @Override
  public void report(Step step, long done, long total) {
    long now = System.nanoTime();
    if (now - lastPrinted < intervalNanos) {
      return;
    }
    lastPrinted = now;
    long percent = total == 0 ? 100 : done * 100 / total;
    String counted = switch (step) {
      case CHECKING_BYTES -> String.format(Locale.ROOT, "checked %,.1f of %,.1f MB", done / 1e6, total / 1e6);
      case EVENTS -> String.format(Locale.ROOT, "%,d of %,d events", done, total);
      case LINKS -> String.format(Locale.ROOT, "%,d of %,d links", done, total);
    };
    out.println(label + ": " + counted + " (" + percent + "%)");
  }
}
