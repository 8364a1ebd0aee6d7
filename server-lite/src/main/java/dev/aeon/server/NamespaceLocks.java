package dev.aeon.server;

import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Read-write locks by namespace, striped (namespaces whose names hash alike share one): every command runs
 * under the read lock of its connection's namespace ({@link ServerContext#runCommand}), and FLUSHDB under the
 * write lock ({@link ServerContext#flush}), so that it waits for the commands on that namespace and none
 * starts before it ends. Without it, a command could act on the new, empty namespace with what it read of the
 * dropped one: a vector set's element ids, which the new namespace gives to other events.
 */
final class NamespaceLocks {

  private static final int STRIPES = 64;

  private final ReentrantReadWriteLock[] stripes = new ReentrantReadWriteLock[STRIPES];

  NamespaceLocks() {
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new ReentrantReadWriteLock();
    }
  }

  ReentrantReadWriteLock of(String namespace) {
    return stripes[Math.floorMod(namespace.hashCode(), STRIPES)];
  }
}
