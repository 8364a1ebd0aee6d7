package dev.aeon.common;

import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * What work that runs again and again in the background (a namespace's checkpoint every interval, the reclamation
 * of retired resources every 50 ms, a blob arena's collection at the next free past its threshold, the server's
 * periodic tasks) logs of its failures: the first failure of a {@linkplain #kind kind} since the work last
 * succeeded, with its stack trace; the same kind again not at all, since a failure that lasts (a full device)
 * would otherwise write a line every run; and the first success after failures, once, with how many runs failed.
 *
 * <pre>{@code
 * RepeatedFailures failures = new RepeatedFailures("background checkpoint of namespace 'a'",
 *     (line, failure) -> LOG.log(Level.WARNING, line, failure), line -> LOG.log(Level.INFO, line));
 * try {
 *   work();
 *   failures.succeeded();
 * } catch (RuntimeException e) {
 *   failures.failed(e, "it is tried again after the checkpoint interval");
 * }
 * }</pre>
 */
public final class RepeatedFailures {

  private final String what;
  private final BiConsumer<String, Throwable> warn;
  private final Consumer<String> info;
  /**
   * The kinds logged since the last success: not only the last one, or two failures that take turns would each
   * be logged every run. As many at most as the places a failure can be thrown from.
   */
  private final Set<String> logged = new HashSet<>();
  private long failures;

  /**
   * {@code what} names the work in the lines: "{@code <what> failed (...)}", "{@code <what> works again after
   * <n> failed runs}"; {@code warn} logs a line with a failure's stack trace, {@code info} a line alone. They are
   * the caller's lambdas, not a logger handed here: java.util.logging names the class that called the logger as
   * the line's source.
   */
  public RepeatedFailures(String what, BiConsumer<String, Throwable> warn, Consumer<String> info) {
    this.what = Objects.requireNonNull(what, "what");
    this.warn = Objects.requireNonNull(warn, "warn");
    this.info = Objects.requireNonNull(info, "info");
  }

  /**
   * A run failed with {@code failure}; {@code next} says what happens now ("it is tried again every interval").
   * Logged unless a failure of its kind was logged since the last success. What {@code warn} throws (a log handler
   * that throws, memory run out as the line is made) is thrown, and the failure is not taken as logged: the next of
   * its kind is logged. Taken as logged, a failure whose line was lost once went unsaid until the work succeeded.
   */
  public synchronized void failed(Throwable failure, String next) {
    failures++;
    String kind = kind(failure);
    if (logged.add(kind)) {
      boolean said = false;
      try {
        warn.accept(what + " failed (" + next + "; the same failure is not logged again): " + describe(failure),
            failure);
        said = true;
      } finally {
        if (!said) {
          logged.remove(kind);
        }
      }
    }
  }

  /** A run succeeded: after failures, logs so once. */
  public synchronized void succeeded() {
    if (failures > 0) {
      long failed = failures;
      failures = 0;
      logged.clear();
      info.accept(what + " works again after " + failed + (failed == 1 ? " failed run" : " failed runs"));
    }
  }

  /**
   * A failure's class and where it was thrown (its first stack frame outside the JDK), and its causes': two of the
   * same kind are the same failure whatever their messages say, which often name a count, an LSN or a path that
   * changes every run. The causes count because work that wraps every failure in one exception thrown at one place
   * (a checkpoint's {@code UncheckedIOException}) would otherwise have one kind for a full device and for a failed
   * log alike. Not the top frame: inside the JDK it depends on how the JIT ran the code (a fault of a mapped file is
   * thrown in {@code Unsafe.getIntUnaligned} when interpreted, in its caller once that intrinsic is compiled), and
   * the same failure was warned of again.
   */
  public static String kind(Throwable failure) {
    StringBuilder kind = new StringBuilder();
    Set<Throwable> seen = new HashSet<>(); // a cause chain may loop
    for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
      StackTraceElement[] trace = t.getStackTrace();
      kind.append(kind.isEmpty() ? "" : " < ").append(t.getClass().getName())
          .append(trace.length == 0 ? "" : " at " + placeOf(trace));
    }
    return kind.toString();
  }

  /** The first frame of {@code trace} outside the JDK's modules, or its top frame if all of them are. */
  private static StackTraceElement placeOf(StackTraceElement[] trace) {
    for (StackTraceElement frame : trace) {
      String module = frame.getModuleName();
      if (module == null || !(module.startsWith("java.") || module.startsWith("jdk."))) {
        return frame;
      }
    }
    return trace[0];
  }

  /** The failure and its causes on one line, for a log read without its stack traces. */
  private static String describe(Throwable failure) {
    StringBuilder line = new StringBuilder(String.valueOf(failure));
    Set<Throwable> seen = new HashSet<>();
    seen.add(failure);
    for (Throwable t = failure.getCause(); t != null && seen.add(t); t = t.getCause()) {
      line.append(", caused by ").append(t);
    }
    return line.toString();
  }
}
