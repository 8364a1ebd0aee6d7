package dev.aeon.engine;

import dev.aeon.common.FirstFailure;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The last failed open of each namespace, thrown again to the calls of the next second instead of reading its
 * files again: a namespace that cannot be recovered (or whose failure recurs at once) would otherwise cost every
 * call a whole recovery, and a server calls {@link Aeon#namespace} for every command. Only the failures of the last
 * second are kept: one per name ever failed would grow without bound where clients name ever new namespaces on a full
 * device, each holding an exception with its stack trace.
 *
 * <p>An Error is kept as an exception is (an {@code InternalError}: the blob arena cut short under its mapping while
 * the log is replayed, which the open throws as it is): it was not, so every caller ran the failing recovery again at
 * once. Except an {@link OutOfMemoryError} or a {@link StackOverflowError}: those tell of this JVM at that moment (a
 * full heap, the deep stack of that caller), not of the namespace's files, and the next caller may well open it.
 */
final class FailedOpens {

  private static final long RETRY_OPEN_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** {@code error} is a RuntimeException or an Error ({@link #failed}). */
  private record FailedOpen(Throwable error, long atNanos) {}

  private final ConcurrentHashMap<String, FailedOpen> failures = new ConcurrentHashMap<>();
  private final LongSupplier nanoTime;

  FailedOpens() {
    this(System::nanoTime);
  }

  /** With the clock {@code nanoTime}, for tests. */
  FailedOpens(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** Throws the failure of the last open of {@code name} if it failed less than a second ago. */
  void throwIfRecent(String name) {
    FailedOpen last = failures.get(name);
    if (last != null && isRecent(last, nanoTime.getAsLong())) {
      throw FirstFailure.unchecked(last.error()); // an Error is thrown there, as it is
    }
  }

  /** Records that an open of {@code name} failed now, with {@code error}; forgets those older than a second. */
  void failed(String name, RuntimeException error) {
    record(name, error);
  }

  /**
   * Records that an open of {@code name} failed now with {@code error}, unless it ran out of heap or stack (see the
   * class); forgets those older than a second.
   */
  void failed(String name, Error error) {
    if (error instanceof OutOfMemoryError || error instanceof StackOverflowError) {
      return;
    }
    record(name, error);
  }

  private void record(String name, Throwable error) {
    long now = nanoTime.getAsLong();
    failures.values().removeIf(f -> !isRecent(f, now));
    failures.put(name, new FailedOpen(error, now));
  }

  /** Forgets the failure of {@code name}: it opened, or what its open would read changed. */
  void forget(String name) {
    failures.remove(name);
  }

  /** How many failures are kept. */
  int size() {
    return failures.size();
  }

  private static boolean isRecent(FailedOpen f, long now) {
    return now - f.atNanos() < RETRY_OPEN_AFTER_NANOS;
  }
}
