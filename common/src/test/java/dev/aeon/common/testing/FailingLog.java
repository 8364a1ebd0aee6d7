package dev.aeon.common.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * While open, every line a class logs through {@code System.Logger} (routed to java.util.logging) throws from its
 * handler, as a broken log handler or a heap run out again while the line is made would: background work must go on
 * when it cannot log its failures.
 *
 * <pre>{@code
 * try (FailingLog broken = FailingLog.of(Epochs.class)) {
 *   ...
 * }
 * }</pre>
 */
public final class FailingLog extends Handler implements AutoCloseable {

  private final Logger logger;
  private final CopyOnWriteArrayList<Thread> threads = new CopyOnWriteArrayList<>();

  private FailingLog(Logger logger) {
    this.logger = logger;
  }

  /** Makes the lines {@code source} logs under its class name throw until closed. */
  public static FailingLog of(Class<?> source) {
    FailingLog failing = new FailingLog(Logger.getLogger(source.getName()));
    failing.logger.addHandler(failing);
    return failing;
  }

  /**
   * The threads whose lines were refused, oldest first, once each: a test joins a background thread with them, which
   * is past its failure to log (and past an uncaught exception's handler, if that failure ended it) once joined.
   */
  public List<Thread> threads() {
    return List.copyOf(threads);
  }

  @Override
  public void publish(LogRecord r) {
    threads.addIfAbsent(Thread.currentThread());
    throw new IllegalStateException("the log handler failed");
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
  }
}
