package dev.aeon.bench.open;

import dev.aeon.engine.Aeon;
import dev.aeon.engine.AeonOptions;
import dev.aeon.engine.Durability;
import dev.aeon.engine.Memory;
import dev.aeon.engine.Remember;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The events the bench remembers: dialogue-sized texts in sessions of 500 turns, each with a random unit
 * vector of 384 dimensions (what all-MiniLM-L6-v2 gives; the structure of the vectors does not change what
 * opening reads), and an attribute. The same seed gives the same events. Also used by {@code ./aeon bench backup}.
 */
public final class Events {

  public static final int DIM = 384;
  private static final String[] WORDS = ("the we I you a trip to Lisbon my sister dog walked new flat work"
      + " project deadline weekend dinner friends cello lessons garden rain early morning coffee book"
      + " finished started plan July doctor said fine").split(" ");

  private final SplittableRandom random;

  public Events(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /**
   * Remembers {@code events} events (seed 1) into the default namespace of {@code dir} under ASYNC durability,
   * printing progress every tenth.
   */
  public static void rememberInto(Path dir, int events) {
    long start = System.nanoTime();
    Events source = new Events(1);
    try (Aeon aeon = Aeon.open(dir, AeonOptions.defaults().withDurability(Durability.ASYNC))) {
      Memory m = aeon.memory();
      for (int i = 0; i < events; i++) {
        m.remember(source.next(i));
        if ((i + 1) % Math.max(1, events / 10) == 0) {
          System.out.printf("built %,d of %,d events (%.0f s)%n", i + 1, events, (System.nanoTime() - start) / 1e9);
        }
      }
    }
  }

  public Remember next(long i) {
    StringBuilder text = new StringBuilder();
    int words = 8 + random.nextInt(40);
    for (int w = 0; w < words; w++) {
      text.append(w == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
    }
    float[] v = new float[DIM];
    double n = 0;
    for (int d = 0; d < DIM; d++) {
      v[d] = (float) random.nextGaussian();
      n += (double) v[d] * v[d];
    }
    for (int d = 0; d < DIM; d++) {
      v[d] /= (float) Math.sqrt(n);
    }
    return Remember.event("session-" + i / 500, i % 2 == 0 ? "user" : "assistant", text.toString())
        .vector(v).at(1_700_000_000_000_000L + i * 1_000_000L).attribute("turn", i);
  }
}
