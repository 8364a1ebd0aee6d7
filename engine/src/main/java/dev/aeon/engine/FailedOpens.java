package dev.aeon.engine;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The last failed open of each namespace, thrown again to the calls of the next second instead of reading its
 * files again: a namespace that cannot be recovered (or whose failure recurs at once) would otherwise cost every
 * call a whole recovery, and a server calls {@link Aeon#namespace} for every command.
 */
final class FailedOpens {

  private static final long RETRY_OPEN_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);

  private record FailedOpen(RuntimeException error, long atNanos) {}

  private final ConcurrentHashMap<String, FailedOpen> failures = new ConcurrentHashMap<>();

  /** Throws the failure of the last open of {@code name} if it failed less than a second ago. */
  void throwIfRecent(String name) {
    FailedOpen last = failures.get(name);
    if (last != null && System.nanoTime() - last.atNanos() < RETRY_OPEN_AFTER_NANOS) {
      throw last.error();
    }
  }

  /** Records that an open of {@code name} failed now, with {@code error}. */
  void failed(String name, RuntimeException error) {
    failures.put(name, new FailedOpen(error, System.nanoTime()));
  }

  /** Forgets the failure of {@code name}: it opened, or what its open would read changed. */
  void forget(String name) {
    failures.remove(name);
  }
}
