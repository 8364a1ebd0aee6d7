package dev.aeon.engine.cli;

import dev.aeon.engine.TransferProgress;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Prints how far an export or import has got, once per interval, so that a long one is not silent and a short one
 * prints nothing: {@code import agent: 45,000 of 100,000 events (45%)}. A phase that reports nothing while it runs
 * (an import's closing checkpoint, forcing hundreds of megabytes to disk) is not silent either: a thread of its own
 * prints the last report again whenever an interval passes without a line, with how long its phase has run where
 * that is all there is to say ({@code import agent: finishing: forcing its files to disk (12 s)}). Closing stops it.
 */
final class ProgressPrinter implements TransferProgress, AutoCloseable {

  private final String label;
  private final PrintStream out;
  private final long intervalNanos;
  /** Prints when reports do not come, or null for an interval of 0 (every report prints) or an endless one. */
  private final Thread repeater;
  private final Object lock = new Object();
  // Guarded by the lock: the last report, when its phase began, when a line was last printed.
  private Step step;
  private long done;
  private long total;
  private long phaseSince;
  private long lastPrinted = System.nanoTime();
  private boolean closed;

  ProgressPrinter(String label, PrintStream out, long intervalNanos) {
    this.label = label;
    this.out = out;
    this.intervalNanos = intervalNanos;
    this.repeater = intervalNanos > 0 && intervalNanos < TimeUnit.DAYS.toNanos(1)
        ? Thread.ofPlatform().daemon().name("aeon-transfer-progress").start(this::repeat) : null;
  }

  @Override
  public void report(Step step, long done, long total) {
    long now = System.nanoTime();
    synchronized (lock) {
      if (step != this.step || step == Step.FINISHING && done != this.done) {
        phaseSince = now;
      }
      this.step = step;
      this.done = done;
      this.total = total;
      if (now - lastPrinted >= intervalNanos) {
        print(now);
      }
    }
  }

  /** The repeater's loop: prints the last report whenever an interval has passed since the last line. */
  private void repeat() {
    synchronized (lock) {
      while (!closed) {
        long now = System.nanoTime();
        long left = lastPrinted + intervalNanos - now;
        if (left > 0) {
          try {
            TimeUnit.NANOSECONDS.timedWait(lock, left);
          } catch (InterruptedException e) {
            return;
          }
        } else if (step != null) {
          print(now);
        } else {
          lastPrinted = now; // nothing reported yet
        }
      }
    }
  }

  /** Under the lock. */
  private void print(long now) {
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

  /** Stops the repeater: nothing is printed after this returns. */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      lock.notifyAll();
    }
    if (repeater != null) {
      try {
        repeater.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // it prints nothing more once it has the lock: closed is set
      }
    }
  }
}
