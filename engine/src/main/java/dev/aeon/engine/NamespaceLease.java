package dev.aeon.engine;

/**
 * A namespace held open for a while ({@link Aeon#lease}): {@link Aeon#closeIdleNamespaces} does not close a
 * namespace while a lease on it is open. Close it when done, on any thread; closing twice is harmless.
 */
public final class NamespaceLease implements AutoCloseable {

  private final Memory memory;
  private final NamespaceUsage usage;
  private boolean released;

  NamespaceLease(Memory memory, NamespaceUsage usage) {
    this.memory = memory;
    this.usage = usage;
  }

  /** The namespace; its handle stays valid until the namespace is closed (not before this lease is). */
  public Memory memory() {
    return memory;
  }

  @Override
  public synchronized void close() {
    if (!released) {
      released = true;
      usage.release();
    }
  }
}
