package dev.aeon.bench.contention;

import dev.aeon.common.ebr.Epochs;
import dev.aeon.engine.Memory;
import dev.aeon.engine.Remember;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

/**
 * The writer of the contention phase: remembers a new event and forgets a random live one, so the
 * memory keeps its size, either at a fixed rate of pairs per second or, with rate 0, as fast as it can
 * (closed loop); after each pair it publishes a fresh small resource and retires the old one to the
 * shared {@link Epochs}, as a structure swap would.
 */
final class ChurnWriter implements Runnable {

  final Latencies remembers = new Latencies();
  final Latencies forgets = new Latencies();
  long errors;
  /** How long {@link #run} ran, once it returned: the time its pairs per second are counted over. */
  long runNanos;

  private final Memory memory;
  private final LiveEvents live;
  private final Workload workload;
  private final Epochs epochs;
  private final OpenLoopReader.Board board;
  private final BooleanSupplier stop;
  private final SplittableRandom random = new SplittableRandom(7);

  private final double pairsPerSecond;

  /**
   * @param live the events in memory (the writer owns it until it has stopped)
   * @param workload where the events it remembers come from, and where the items of those it forgets go back
   */
  ChurnWriter(Memory memory, LiveEvents live, Workload workload, Epochs epochs, OpenLoopReader.Board board,
      BooleanSupplier stop, double pairsPerSecond) {
    this.pairsPerSecond = pairsPerSecond;
    this.memory = memory;
    this.live = live;
    this.workload = workload;
    this.epochs = epochs;
    this.board = board;
    this.stop = stop;
  }

  long operations() {
    return remembers.count() + forgets.count();
  }

  /** The pace it was asked for (none: flat out) against the pairs it made while it ran; once it returned. */
  WriterPace pace() {
    return new WriterPace(pairsPerSecond, remembers.count(), runNanos / 1e9);
  }

  @Override
  public void run() {
    long interval = pairsPerSecond > 0 ? (long) (1e9 / pairsPerSecond) : 0;
    long started = System.nanoTime();
    long due = started;
    while (!stop.getAsBoolean()) {
      if (interval > 0) {
        due += interval;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(wait);
        }
      }
      pair();
      OpenLoopReader.Published old = board.current;
      board.current = new OpenLoopReader.Published();
      epochs.retire(old);
    }
    runNanos = System.nanoTime() - started;
  }

  /**
   * Remembers one new event and forgets a random live one, timing each. The new event's vector is made
   * before the clock starts: its time is the engine's.
   */
  private void pair() {
    int item = workload.take();
    Remember event = workload.event(item);
    long t0 = System.nanoTime();
    long id;
    try {
      id = memory.remember(event);
    } catch (RuntimeException e) {
      errors++;
      workload.giveBack(item);
      return;
    }
    long t1 = System.nanoTime();
    remembers.add(t1 - t0);
    live.add(id, item);
    int victim = random.nextInt(live.size());
    long forgotten = live.id(victim);
    workload.giveBack(live.item(victim));
    live.remove(victim);
    try {
      memory.forget(forgotten);
      forgets.add(System.nanoTime() - t1);
    } catch (RuntimeException e) {
      errors++;
    }
  }
}
