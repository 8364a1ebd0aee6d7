package dev.aeon.common.testing;

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

  private FailingLog(Logger logger) {
    this.logger = logger;
  }

  /** Makes the lines {@code source} logs under its class name throw until closed. */
  public static FailingLog of(Class<?> source) {
    FailingLog failing = new FailingLog(Logger.getLogger(source.getName()));
    failing.logger.addHandler(failing);
    return failing;
  }

  @Override
  public void publish(LogRecord r) {
    throw new IllegalStateException("the log handler failed");
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
  }
}
