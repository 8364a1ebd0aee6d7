package dev.aeon.common.ebr;

import java.lang.foreign.Arena;
import java.util.Objects;

/**
 * Shares one shared {@link Arena} among several mappings so that retiring them costs one arena close, not one
 * per mapping. Closing a shared arena makes the JVM handshake every thread; a structure that remaps often
 * (a growing file, recycled pages) takes {@link Lease}s here instead of opening an arena per mapping.
 *
 * <p>Each arena serves at most {@code leasesPerArena} leases; a lease is {@linkplain Lease#retire() retired}
 * when its mapping is unpublished, and the arena is handed to {@link Epochs#retire} once it is full and all
 * its leases are retired. The price: a retired mapping stays mapped until its arena's last lease is retired.
 */
public final class BatchedArenas implements AutoCloseable {

  /** One mapping's share of an arena. Map or allocate with {@link #arena()}; retire exactly once. */
  public final class Lease {
    private final Batch batch;
    private boolean retired;

    private Lease(Batch batch) {
      this.batch = batch;
    }

    public Arena arena() {
      return batch.arena;
    }

    /** Declares the memory of this lease unreachable for new readers (unpublish it first). */
    public void retire() {
      synchronized (BatchedArenas.this) {
        if (retired) {
          throw new IllegalStateException("lease retired twice");
        }
        retired = true;
        batch.live--;
        retireIfDone(batch);
      }
    }
  }

  private static final class Batch {
    final Arena arena = Arena.ofShared();
    int issued;
    int live;
  }

  private final Epochs epochs;
  private final int leasesPerArena;
  private Batch current;

  public BatchedArenas(Epochs epochs, int leasesPerArena) {
    if (leasesPerArena < 1) {
      throw new IllegalArgumentException("leasesPerArena must be at least 1, got " + leasesPerArena);
    }
    this.epochs = Objects.requireNonNull(epochs, "epochs");
    this.leasesPerArena = leasesPerArena;
  }

  /** A lease on the current arena, opening a new arena when the current one has served its quota. */
  public synchronized Lease lease() {
    if (current == null || current.issued == leasesPerArena) {
      current = new Batch();
    }
    current.issued++;
    current.live++;
    return new Lease(current);
  }

  /** Retires the partly used current arena once its live leases are retired (call when shutting down). */
  @Override
  public synchronized void close() {
    if (current != null) {
      Batch b = current;
      current = null;
      b.issued = leasesPerArena;
      retireIfDone(b);
    }
  }

  private void retireIfDone(Batch b) {
    if (b.live == 0 && b.issued == leasesPerArena) {
      if (b == current) {
        current = null;
      }
      epochs.retire(b.arena);
    }
  }
}
