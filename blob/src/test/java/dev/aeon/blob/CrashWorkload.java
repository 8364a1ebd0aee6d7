package dev.aeon.blob;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The deterministic workload of the crash test: the child JVM runs it against an arena, the parent replays it
 * without one to know what the arena must hold after the kill. Round k: append {@link #APPENDS} blobs (key
 * {@code i} gets ref {@code i + 1}), free a fifth of the live ones, force, then collect with a tenth of the live
 * ones dropped by the caller's live set.
 */
final class CrashWorkload {

  static final int APPENDS = 250;

  /** One round: keys appended are {@code [firstKey, firstKey + APPENDS)}. */
  record Round(int number, int firstKey, List<Integer> freed, List<Integer> dropped) {}

  private final Random random;
  private final List<Integer> live = new ArrayList<>();
  private int nextKey;
  private int round;

  CrashWorkload(long seed) {
    random = new Random(seed);
  }

  Round next() {
    int first = nextKey;
    for (int i = 0; i < APPENDS; i++) {
      live.add(nextKey++);
    }
    List<Integer> freed = take(live.size() / 5);
    List<Integer> dropped = take(live.size() / 10);
    return new Round(++round, first, freed, dropped);
  }

  private List<Integer> take(int n) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(live.remove(random.nextInt(live.size())));
    }
    return out;
  }

  static long refOf(int key) {
    return key + 1L;
  }

  static int lengthOf(int key) {
    return 8 + (int) (((key * 0x9E3779B97F4A7C15L) >>> 33) % 1200);
  }
}
