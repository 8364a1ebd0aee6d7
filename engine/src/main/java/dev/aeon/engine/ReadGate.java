package dev.aeon.engine;

import dev.aeon.common.Quietly;
import dev.aeon.common.ebr.Epochs;
import dev.aeon.common.ebr.Guard;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Lets a namespace's reads end before its stores close. A read takes no lock: it enters the stores' epochs (its
 * thread's own slot, {@link Epochs}) and then checks that the namespace is open; a close, once it has marked the
 * namespace closed, waits until every read that entered before has left, and only then closes the stores. A
 * read thus either runs on open stores to its end or is refused with the namespace's own "closed". Without it a
 * read that passed its check just before a close (of the namespace, a drop, an import replacing it, the Aeon's)
 * met the stores closing one after the other: "the index ... is closed", "blob arena ... is closed", or an
 * {@code Arena}'s "Already closed", half way through a recall or a query.
 *
 * <p>Either the read sees the mark or the close sees the read: each publishes (a volatile store) before it reads
 * what the other publishes.
 */
final class ReadGate {

  private static final System.Logger LOG = System.getLogger(ReadGate.class.getName());
  /**
   * How long a close waits for reads. Reads end on their own (a statement within
   * {@link AeonOptions#queryTimeLimit()}, 30 s by default); one still running after this meets the closed stores'
   * own error, as before, rather than hold the close for good.
   */
  static final Duration READERS_TIMEOUT = Duration.ofMinutes(2);

  private final Epochs epochs;
  /** {@link #READERS_TIMEOUT} (tests shorten it). */
  volatile Duration readersTimeout = READERS_TIMEOUT;
  /** Runs inside the gate, after the check (tests hold a read there). */
  volatile Runnable insideForTests;

  ReadGate(Epochs epochs) {
    this.epochs = epochs;
  }

  /** Runs {@code read} after {@code checkOpen} (which throws once the namespace is marked closed), inside the gate. */
  <T> T read(Runnable checkOpen, Supplier<T> read) {
    try (Guard g = epochs.enter()) {
      checkOpen.run();
      Runnable hook = insideForTests;
      if (hook != null) {
        hook.run();
      }
      return read.get();
    }
  }

  /**
   * After the namespace is marked closed, before its stores close: waits for the reads that entered before, at most
   * {@link #READERS_TIMEOUT}, and warns of one still running then. The warning is logged quietly: a log handler that
   * throws (or memory run out as the line is made) threw out of here before the stores' close, which never ran.
   */
  void awaitReaders(String namespace) {
    epochs.retire(() -> { }); // tagged with the epoch now: reclaimed once every reader that entered before has left
    Duration timeout = readersTimeout;
    if (!epochs.awaitReclaimed(timeout)) {
      // Quietly: the close goes on to close the stores
      Quietly.log(() -> LOG.log(System.Logger.Level.WARNING, "namespace ''{0}'' closes while a read that began"
          + " before its close still runs after {1}; that read will fail", namespace, timeout));
    }
  }
}
