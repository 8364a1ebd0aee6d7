package dev.aeon.common.ebr;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A reader's presence in an epoch, returned by {@link Epochs#enter()} and left by {@link #close()}.
 *
 * <p>One guard object exists per thread and {@link Epochs}; it is reused by every {@code enter}, so entering
 * allocates nothing. Guards nest: only the outermost {@code close} leaves the epoch. A guard belongs to the
 * thread that entered it and must be closed by that thread (try-with-resources does this).
 */
public final class Guard implements AutoCloseable {

  static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(long[].class);

  /** Cell value of a thread that is not inside any guard. Epochs start at 1, so 0 is never an epoch. */
  static final long IDLE = 0;

  private final long[] cells;
  private final int index;
  private int depth;

  Guard(long[] cells, int index) {
    this.cells = cells;
    this.index = index;
  }

  /** Publishes the epoch this thread entered at; a full fence orders it before every read of shared state. */
  void enter(long epoch) {
    if (depth++ == 0) {
      CELLS.setVolatile(cells, index, epoch);
    }
  }

  /** True while the owning thread is inside at least one guard. */
  boolean active() {
    return depth > 0;
  }

  @Override
  public void close() {
    if (depth <= 0) {
      throw new IllegalStateException("guard closed more often than entered");
    }
    if (--depth == 0) {
      // Release: every read made inside the guard happens before a reclaimer can see this slot idle.
      CELLS.setRelease(cells, index, IDLE);
    }
  }
}
