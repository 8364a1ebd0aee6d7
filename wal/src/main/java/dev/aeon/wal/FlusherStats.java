package dev.aeon.wal;

import java.util.Collections;
import java.util.List;

/**
 * What the log's flusher decided on an empty ring since the log was opened, and what its writers did: how many of
 * its idle waits spun before they blocked and how many blocked at once, and how soon after each wait began the
 * record that ended it was published (the writers' return, by classes of {@link #RETURN_BOUNDS_MICROS}). The
 * flusher spins only while its writers come back within the window ({@link #WINDOW_MICROS}): a writer whose return
 * falls near it makes the flusher spin one stretch and block the next, and a blocked flusher costs each record a
 * wake-up. All zero for a log opened read-only.
 *
 * @param waitsSpun idle waits that spun and yielded, up to the window, before they blocked
 * @param waitsBlocked idle waits that blocked at once
 * @param spinsWasted of the waits that spun, those whose writers came back after the window: the window's CPU spent
 *     for nothing, and a wake-up all the same
 * @param wakeUpsSpinWouldSave of the waits that blocked at once, those whose writers came back within the window:
 *     a spin would have caught their record, and spared the writer's append a wake-up of the flusher
 * @param writerReturns idle waits by how long after the wait began its record was published: the i-th count those
 *     within {@code RETURN_BOUNDS_MICROS.get(i)} µs (and beyond the bound before), the last one those beyond every
 *     bound; one more element than the bounds
 */
public record FlusherStats(long waitsSpun, long waitsBlocked, long spinsWasted, long wakeUpsSpinWouldSave,
    List<Long> writerReturns) {

  /** How long a spinning flusher spins and yields before it blocks, µs; a bound of {@link #RETURN_BOUNDS_MICROS}. */
  public static final long WINDOW_MICROS = FlusherWaitStrategy.WINDOW_NANOS / 1_000;
  /** The upper bounds, µs, of the classes of {@link #writerReturns}. */
  public static final List<Long> RETURN_BOUNDS_MICROS = List.of(25L, 50L, WINDOW_MICROS, 200L, 1_000L);

  /** Nothing counted: a log opened read-only, or a namespace without a log. */
  public static final FlusherStats NONE =
      new FlusherStats(0, 0, 0, 0, Collections.nCopies(RETURN_BOUNDS_MICROS.size() + 1, 0L));

  public FlusherStats {
    writerReturns = List.copyOf(writerReturns);
    if (writerReturns.size() != RETURN_BOUNDS_MICROS.size() + 1) {
      throw new IllegalArgumentException("writerReturns has " + writerReturns.size() + " classes, not "
          + (RETURN_BOUNDS_MICROS.size() + 1));
    }
  }

  /** What was counted after {@code earlier}, the same log's stats taken before these. */
  public FlusherStats since(FlusherStats earlier) {
    return combine(earlier, -1);
  }

  /** These counts and {@code other}'s together (e.g. over several stretches of a run). */
  public FlusherStats plus(FlusherStats other) {
    return combine(other, 1);
  }

  private FlusherStats combine(FlusherStats other, int sign) {
    List<Long> returns = new java.util.ArrayList<>(writerReturns.size());
    for (int i = 0; i < writerReturns.size(); i++) {
      returns.add(writerReturns.get(i) + sign * other.writerReturns.get(i));
    }
    return new FlusherStats(waitsSpun + sign * other.waitsSpun, waitsBlocked + sign * other.waitsBlocked,
        spinsWasted + sign * other.spinsWasted, wakeUpsSpinWouldSave + sign * other.wakeUpsSpinWouldSave, returns);
  }

  /** Idle waits whose writers came back within the window, which count toward spinning. */
  public long returnsWithinWindow() {
    long n = 0;
    for (int i = 0; i < RETURN_BOUNDS_MICROS.size() && RETURN_BOUNDS_MICROS.get(i) <= WINDOW_MICROS; i++) {
      n += writerReturns.get(i);
    }
    return n;
  }

  /** Idle waits whose writers came back after the window. */
  public long returnsLate() {
    return writerReturns.stream().mapToLong(Long::longValue).sum() - returnsWithinWindow();
  }

  /**
   * E.g. {@code spun 812 (in vain 40), blocked 190 (a spin would have caught 150); returns <=25us 3, <=50us 700,
   * <=100us 110, <=200us 150, <=1000us 39, more 0}.
   */
  public String summary() {
    StringBuilder s = new StringBuilder("spun ").append(waitsSpun).append(" (in vain ").append(spinsWasted)
        .append("), blocked ").append(waitsBlocked).append(" (a spin would have caught ").append(wakeUpsSpinWouldSave)
        .append("); returns");
    for (int i = 0; i < writerReturns.size(); i++) {
      s.append(i == 0 ? " " : ", ")
          .append(i < RETURN_BOUNDS_MICROS.size() ? "<=" + RETURN_BOUNDS_MICROS.get(i) + "us " : "more ")
          .append(writerReturns.get(i));
    }
    return s.toString();
  }
}
