package dev.aeon.server.vset;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * For tests of when a vector set is read from its namespace: counts, from {@link #start} until {@link #close}, the
 * loads that read a set's events ({@code VectorSets.afterLoading}, run once per load that found them), and those of
 * them that ran on a virtual thread (a connection's own: the pool of command threads has platform threads). Lives in
 * the package of {@link VectorSets} for that hook; one at a time, and not with a {@link HeldCommand}.
 */
public final class CountedLoads implements AutoCloseable {

  private final AtomicInteger loads = new AtomicInteger();
  private final AtomicInteger onVirtualThreads = new AtomicInteger();

  private CountedLoads() {}

  /** Counts the loads from now on. */
  public static CountedLoads start() {
    if (VectorSets.afterLoading != null) {
      throw new IllegalStateException("the loads are counted or held already");
    }
    CountedLoads counted = new CountedLoads();
    VectorSets.afterLoading = counted::onLoad;
    return counted;
  }

  private void onLoad() {
    loads.incrementAndGet();
    if (Thread.currentThread().isVirtual()) {
      onVirtualThreads.incrementAndGet();
    }
  }

  /** The loads that read a set's events since {@link #start}. */
  public int count() {
    return loads.get();
  }

  /** Those of {@link #count} that ran on a virtual thread: a connection's own. */
  public int onVirtualThreads() {
    return onVirtualThreads.get();
  }

  @Override
  public void close() {
    VectorSets.afterLoading = null;
  }
}
