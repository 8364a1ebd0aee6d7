package dev.aeon.engine;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The usage records ({@link NamespaceUsage}) of the namespaces in use, by name: what {@link Aeon#lease} holds and
 * {@link Aeon#closeIdleNamespaces} decides by. A record goes when its namespace is closed (as idle, or by a close or
 * drop, or when its open failed) and nobody holds it, so that a server that saw many names keeps few records; one
 * retired by an idle close is replaced by a new one at the next use.
 */
final class UsageRecords {

  private final ConcurrentHashMap<String, NamespaceUsage> usage = new ConcurrentHashMap<>();

  /**
   * The record of {@code name}, made if there is none.
   *
   * @throws IllegalArgumentException if the name is not a namespace name (before any record is made)
   */
  NamespaceUsage of(String name) {
    Aeon.checkName(name);
    return usage.computeIfAbsent(name, n -> new NamespaceUsage());
  }

  /**
   * The usage record of {@code name}, past any that an idle close retired and has not yet dropped: a lease is
   * taken on its successor, so deciding by the retired one could close the namespace under that lease.
   */
  NamespaceUsage current(String name) {
    NamespaceUsage u = of(name);
    while (u.retired()) {
      usage.remove(name, u);
      u = of(name);
    }
    return u;
  }

  /** A lease on the current record of {@code name}, taken after any idle close of it under way has ended. */
  NamespaceUsage acquire(String name) {
    NamespaceUsage u = current(name);
    while (!u.acquire()) {
      u = current(name); // retired by an idle close that just ended: its successor
    }
    return u;
  }

  /**
   * Drops the usage record of a namespace that is not open (closed, or its open failed) unless a lease holds
   * it or an idle close is under way: records of namespaces nobody uses would otherwise pile up.
   */
  void dropIfUnused(String name) {
    usage.computeIfPresent(name, (n, u) -> u.retireIfUnused() ? null : u);
  }

  /** Ends the idle close of {@code name} that {@code u} started, dropping {@code u} unless a lease came meanwhile. */
  void idleCloseEnded(String name, NamespaceUsage u) {
    u.closed();
    if (u.retireIfUnused()) {
      usage.remove(name, u);
    }
  }

  /** How many records there are (tests). */
  int size() {
    return usage.size();
  }
}
