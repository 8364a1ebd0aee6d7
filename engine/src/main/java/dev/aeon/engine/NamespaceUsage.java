package dev.aeon.engine;

/**
 * Who holds one namespace open, and since when nobody has: what {@link Aeon#closeIdleNamespaces} decides by.
 * A lease taken while an idle close of the namespace runs waits for it, then opens the namespace again, so
 * that no leased call meets a namespace closed under it.
 *
 * <p>Once its namespace is closed as idle and nobody holds it, the record is dropped from {@link UsageRecords}
 * ({@link #retireIfUnused}): a server that served a million agents over its life would otherwise keep a
 * million of them. A caller that fetched the record just before it was dropped finds it retired when it
 * acquires, and fetches the new one.
 */
final class NamespaceUsage {

  private int leases;
  private boolean closing;
  private boolean retired;
  private long lastUsedNanos = System.nanoTime();

  /**
   * A lease: waits while the namespace is being closed as idle. Returns false, taking nothing, if this record
   * was retired: the caller fetches the current one.
   */
  synchronized boolean acquire() {
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
    if (retired) {
      return false;
    }
    leases++;
    lastUsedNanos = System.nanoTime();
    return true;
  }

  synchronized void release() {
    leases--;
    lastUsedNanos = System.nanoTime();
  }

  /** A use without a lease ({@link Aeon#namespace}): it only counts as activity. */
  synchronized void touch() {
    lastUsedNanos = System.nanoTime();
  }

  /**
   * Starts an idle close if nobody holds the namespace and nobody used it for {@code idleNanos}. Never on a
   * retired record: leases are taken on its successor, which such a close would not see.
   */
  synchronized boolean startClosingIfIdle(long idleNanos) {
    if (retired || leases > 0 || closing || System.nanoTime() - lastUsedNanos < idleNanos) {
      return false;
    }
    closing = true;
    return true;
  }

  synchronized void closed() {
    closing = false;
    notifyAll();
  }

  synchronized boolean retired() {
    return retired;
  }

  /** After an idle close: retires this record unless someone took a lease meanwhile; true if it did. */
  synchronized boolean retireIfUnused() {
    if (leases > 0 || closing) {
      return false;
    }
    retired = true;
    return true;
  }
}
