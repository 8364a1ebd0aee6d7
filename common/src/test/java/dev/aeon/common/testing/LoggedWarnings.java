package dev.aeon.common.testing;

import java.text.MessageFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The warnings (and errors) a class logs through {@code System.Logger} (which the JDK routes to java.util.logging)
 * while this is open, each formatted as a reader of the log sees it; also its lines at INFO, apart.
 *
 * <pre>{@code
 * try (LoggedWarnings warnings = LoggedWarnings.of(Epochs.class)) {
 *   ...
 *   assertEquals(1, warnings.list().size());
 * }
 * }</pre>
 */
public final class LoggedWarnings extends Handler implements AutoCloseable {

  private final Logger logger;
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();

  private LoggedWarnings(Logger logger) {
    this.logger = logger;
  }

  /** Starts capturing the warnings {@code source} logs under its class name. */
  public static LoggedWarnings of(Class<?> source) {
    LoggedWarnings warnings = new LoggedWarnings(Logger.getLogger(source.getName()));
    warnings.logger.addHandler(warnings);
    return warnings;
  }

  /** The warnings and errors captured so far, oldest first. */
  public List<String> list() {
    return records.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
        .map(LoggedWarnings::format).toList();
  }

  /** The exceptions whose stack traces the warnings and errors captured so far carry, oldest first. */
  public List<Throwable> thrown() {
    return records.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
        .map(LogRecord::getThrown).filter(t -> t != null).toList();
  }

  /** The lines logged at INFO so far, oldest first. */
  public List<String> info() {
    return records.stream().filter(r -> r.getLevel() == Level.INFO).map(LoggedWarnings::format).toList();
  }

  @Override
  public void publish(LogRecord r) {
    if (r.getLevel().intValue() >= Level.INFO.intValue()) {
      records.add(r);
    }
  }

  /** As the JDK's formatters: a message without parameters is taken as it is (its quotes are not MessageFormat's). */
  private static String format(LogRecord r) {
    Object[] parameters = r.getParameters();
    return parameters == null || parameters.length == 0 ? r.getMessage()
        : MessageFormat.format(r.getMessage(), parameters);
  }

  @Override
  public void flush() {}

  /** Stops capturing. */
  @Override
  public void close() {
    logger.removeHandler(this);
  }
}
