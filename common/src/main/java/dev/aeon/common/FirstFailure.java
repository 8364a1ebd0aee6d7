package dev.aeon.common;

/**
 * The rule for work that goes on after a failure (closing the rest of a batch, of a namespace's stores, of an
 * {@code Aeon}'s namespaces): the first failure is the one thrown, the later ones suppressed in it, whatever their
 * kind. A later failure thrown from a {@code finally} replaced the first, which was then lost: the one a user needed
 * to see (a checkpoint that failed) behind the one it caused (the stores that then failed to close).
 *
 * <pre>{@code
 * Throwable failure = null;
 * for (AutoCloseable c : resources) {
 *   try {
 *     c.close();
 *   } catch (Exception | Error e) {
 *     failure = FirstFailure.of(failure, e);
 *   }
 * }
 * if (failure != null) {
 *   throw FirstFailure.unchecked(failure);
 * }
 * }</pre>
 */
public final class FirstFailure {

  private FirstFailure() {}

  /**
   * {@code first}, or {@code next} if there is none, with the other one suppressed in it. Of the callers' type: a
   * loop that gathers IOExceptions only keeps one to throw as it is.
   */
  public static <T extends Throwable> T of(T first, T next) {
    if (first == null) {
      return next;
    }
    if (next != null && next != first) { // the same exception twice: self-suppression throws
      first.addSuppressed(next);
    }
    return first;
  }

  /**
   * {@code t} to throw: a RuntimeException as it is, an Error thrown here as it is, and a checked exception (which
   * only code that gets around the compiler's check throws where none is declared) wrapped.
   */
  public static RuntimeException unchecked(Throwable t) {
    if (t instanceof Error e) {
      throw e;
    }
    return t instanceof RuntimeException e ? e : new java.lang.reflect.UndeclaredThrowableException(t);
  }
}
