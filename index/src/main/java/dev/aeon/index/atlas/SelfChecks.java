package dev.aeon.index.atlas;

import dev.aeon.index.atlas.sync.ReaderGate;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * What the index measures about itself with searches of its own vectors: whether its sketches are good
 * enough for automatic searches ({@link SketchCheck}) and which nprobe reaches a target recall
 * ({@link Calibration}). Each takes milliseconds of searches; each is measured on first use and again
 * once the index grew or shrank by a quarter.
 *
 * <p>A first measurement runs inside the search that needs it, and so does one that is far off (the
 * index doubled or halved since) or cheap (a small index). Otherwise a stale one goes on serving while a
 * background thread measures its successor, so that a growing index does not stall a search for a
 * re-measurement: it used to land inside whichever search first saw the index grown by a quarter
 * (milliseconds, where a search takes tens of microseconds).
 */
final class SelfChecks {

  private static final System.Logger LOG = System.getLogger(SelfChecks.class.getName());

  private final Searcher searcher;
  private final Storage st;
  private final ReaderGate gate;
  private final LongSupplier size;
  private volatile SketchCheck sketchCheck;
  private volatile Calibration calibration;
  /** The thread measuring stale checks again, if one is running. */
  private final AtomicReference<Thread> refresh = new AtomicReference<>();
  private volatile boolean closed;

  SelfChecks(Searcher searcher, Storage st, LongSupplier size) {
    this.searcher = searcher;
    this.st = st;
    this.gate = st.gate;
    this.size = size;
  }

  /** The current sketch check (caller holds the gate). */
  private SketchCheck sketchCheck() {
    SketchCheck c = sketchCheck;
    long n = size.getAsLong();
    if (c == null || c.staleFor(n) && tooFarOff(c.vectors(), n)) {
      c = SketchCheck.measure(searcher, st, n, 11);
      sketchCheck = c;
    } else if (c.staleFor(n)) {
      refreshInBackground();
    }
    return c;
  }

  /** The current calibration (caller does not hold the gate). */
  Calibration calibration() {
    Calibration c = calibration;
    long n = size.getAsLong();
    if (c == null || c.staleFor(n) && tooFarOff(c.vectors(), n)) {
      c = measureCalibration();
    } else if (c.staleFor(n)) {
      refreshInBackground();
    }
    return c;
  }

  /**
   * Whether a stale measurement must not serve even while its successor is measured: the index doubled or
   * halved since (a calibration of a much smaller index probes too few leaves), or it is small enough that
   * measuring costs little.
   */
  private static boolean tooFarOff(long measuredAt, long now) {
    return now < SketchCheck.MIN_VECTORS || now >= 2 * measuredAt || 2 * now <= measuredAt;
  }

  /**
   * {@code params} with an automatic sketch depth turned off where the sketches fail their check (caller
   * holds the gate).
   */
  SearchParams resolve(SearchParams params) {
    return params.sketchDepth() == 0 && !sketchCheck().useful() ? params.withSketchDepth(SearchParams.NO_SKETCH)
        : params;
  }

  /** Measures every stale check now, in this thread: for callers that want an answer for the index as it is. */
  void refreshNow() {
    int token = gate.enter();
    try {
      checkOpen();
      long n = size.getAsLong();
      SketchCheck s = sketchCheck;
      if (s == null || s.staleFor(n)) {
        sketchCheck = SketchCheck.measure(searcher, st, n, 11);
      }
    } finally {
      gate.exit(token);
    }
    Calibration c = calibration;
    if (c != null && c.staleFor(size.getAsLong())) {
      measureCalibration();
    }
  }

  private Calibration measureCalibration() {
    int token = gate.enter();
    try {
      checkOpen();
      Calibration c = Calibration.measure(searcher, st, size.getAsLong(), 7, resolve(SearchParams.defaults()));
      calibration = c;
      return c;
    } finally {
      gate.exit(token);
    }
  }

  private void refreshInBackground() {
    if (closed || refresh.get() != null) {
      return;
    }
    Thread t = Thread.ofVirtual().name("atlas-self-check").unstarted(() -> {
      try {
        if (!closed) {
          refreshNow();
        }
      } catch (RuntimeException e) {
        if (!closed) { // a search of a closed index fails; nothing else should
          LOG.log(System.Logger.Level.WARNING, "measuring the index's checks again failed; the old ones stay", e);
        }
      } finally {
        refresh.set(null);
      }
    });
    if (refresh.compareAndSet(null, t)) {
      t.start();
    }
  }

  /** The sketch check searches use now (null before the first search). */
  SketchCheck current() {
    return sketchCheck;
  }

  /** The calibration searches for a target recall use now (null before the first). */
  Calibration currentCalibration() {
    return calibration;
  }

  /** Waits for a background measurement to end, if one is running. */
  void awaitRefresh() throws InterruptedException {
    Thread t = refresh.get();
    if (t != null) {
      t.join();
    }
  }

  /**
   * Inside the gate: a measurement searches the pages, which the index's close unmaps once the readers in the
   * gate have left; one that entered after {@link #close} must not read them.
   */
  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the index is closed");
    }
  }

  /**
   * Waits for a background measurement to end; none starts after this, and a measurement asked for by a caller
   * fails. Called by the index's close before it waits for the readers in the gate.
   */
  void close() {
    closed = true;
    try {
      awaitRefresh();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
