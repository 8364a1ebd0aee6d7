package dev.aeon.bench.contention;

import dev.aeon.common.ebr.Epochs;
import dev.aeon.engine.Memory;
import dev.aeon.engine.Remember;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import org.agrona.collections.LongArrayList;

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

  private final Memory memory;
  private final LongArrayList live;
  private final VectorSource vectors;
  private final Epochs epochs;
  private final OpenLoopReader.Board board;
  private final BooleanSupplier stop;
  private final SplittableRandom random = new SplittableRandom(7);

  /** {@code live}: ids of the events in memory (the writer owns it from now on). */
  private final double pairsPerSecond;

  ChurnWriter(Memory memory, LongArrayList live, VectorSource vectors, Epochs epochs, OpenLoopReader.Board board,
      BooleanSupplier stop, double pairsPerSecond) {
    this.pairsPerSecond = pairsPerSecond;
    this.memory = memory;
    this.live = live;
    this.vectors = vectors;
    this.epochs = epochs;
    this.board = board;
    this.stop = stop;
  }

  long operations() {
    return remembers.count() + forgets.count();
  }

  @Override
  public void run() {
    long n = 0;
    long interval = pairsPerSecond > 0 ? (long) (1e9 / pairsPerSecond) : 0;
    long due = System.nanoTime();
    while (!stop.getAsBoolean()) {
      if (interval > 0) {
        due += interval;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(wait);
        }
      }
      try {
        long t0 = System.nanoTime();
        long id = memory.remember(Remember.event("churn", "user", "churn event " + n++).vector(vectors.next()));
        long t1 = System.nanoTime();
        remembers.add(t1 - t0);
        live.addLong(id);
        memory.forget(live.fastUnorderedRemove(random.nextInt(live.size())));
        forgets.add(System.nanoTime() - t1);
      } catch (RuntimeException e) {
        errors++;
      }
      OpenLoopReader.Published old = board.current;
      board.current = new OpenLoopReader.Published();
      epochs.retire(old);
    }
  }
}
