package dev.aeon.engine;

/**
 * Who holds one namespace open, and since when nobody has: what {@link Aeon#closeIdleNamespaces} decides by.
 * A lease taken while an idle close of the namespace runs waits for it, then opens the namespace again, so
 * that no leased call meets a namespace closed under it.
 */
final class NamespaceUsage {

  private int leases;
  private boolean closing;
  private long lastUsedNanos = System.nanoTime();

  /** A lease: waits while the namespace is being closed as idle. */
  synchronized void acquire() {
    boolean interrupted = false;
    while (closing) {
      try {
        wait();
      } catch (InterruptedException e) {
        interrupted = true; // a close is short (one checkpoint); the interrupt is kept for the caller
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    leases++;
    lastUsedNanos = System.nanoTime();
  }

  synchronized void release() {
    leases--;
    lastUsedNanos = System.nanoTime();
  }

  /** A use without a lease ({@link Aeon#namespace}): it only counts as activity. */
  synchronized void touch() {
    lastUsedNanos = System.nanoTime();
  }

  /** Starts an idle close if nobody holds the namespace and nobody used it for {@code idleNanos}. */
  synchronized boolean startClosingIfIdle(long idleNanos) {
    if (leases > 0 || closing || System.nanoTime() - lastUsedNanos < idleNanos) {
      return false;
    }
    closing = true;
    return true;
  }

  synchronized void closed() {
    closing = false;
    notifyAll();
  }
}
