package dev.aeon.common.testing;

import java.util.Collection;

/** What the threads of a concurrency test collected, turned into one failure that shows the first few. */
public final class Failures {

  private Failures() {}

  /**
   * Throws an {@link AssertionError} saying how many {@code failures} there were, with the first as its cause and the
   * next five suppressed in it (enough to tell one defect from several, short enough to read); returns if none.
   *
   * @param what what failed and how to run it again (e.g. the seed)
   */
  public static void throwIfAny(String what, Collection<? extends Throwable> failures) {
    if (failures.isEmpty()) {
      return;
    }
    AssertionError e = new AssertionError(what + ": " + failures.size() + " failures", failures.iterator().next());
    failures.stream().skip(1).limit(5).forEach(e::addSuppressed);
    throw e;
  }
}
