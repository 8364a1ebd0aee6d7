package dev.aeon.server;

import dev.aeon.engine.Memory;
import dev.aeon.engine.NamespaceLease;
import java.util.ArrayList;
import java.util.List;

/**
 * What a running command holds of the engine ({@link ServerContext#runCommand}): the namespaces it has leased, each
 * held open until the command ends, so that the idle closer never closes one under it; and whether it runs on its
 * connection's thread, where it may use only a namespace open now and load no vector set ({@link NeedsThePool}).
 */
final class CommandLeases {

  private final List<NamespaceLease> leases = new ArrayList<>(1);
  private final boolean onConnectionThread;

  CommandLeases(boolean onConnectionThread) {
    this.onConnectionThread = onConnectionThread;
  }

  /** Whether the command runs on its connection's thread, which must not wait for an open or a load. */
  boolean onConnectionThread() {
    return onConnectionThread;
  }

  /** The instance of {@code namespace} the command leased, the same all through the command; null if none yet. */
  Memory leased(String namespace) {
    for (NamespaceLease l : leases) {
      if (l.memory().name().equals(namespace)) {
        return l.memory();
      }
    }
    return null;
  }

  void add(NamespaceLease lease) {
    leases.add(lease);
  }

  /** Gives every lease back, once the command has ended. */
  void release() {
    leases.forEach(NamespaceLease::close);
  }
}
