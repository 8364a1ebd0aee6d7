package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class PrefetchTest {

  /** The bytes of one byte per line of the range, summed: what {@link Prefetch#lines} reads. */
  @Test
  void touchesOneByteOfEveryLineOfTheRange() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment s = arena.allocate(1024, 64);
      for (long at = 0; at < s.byteSize(); at++) {
        s.set(ValueLayout.JAVA_BYTE, at, (byte) (at / 64 + 1));
      }
      // lines 1 to 3 (bytes 64..255): the first byte of each, 2 + 3 + 4
      assertEquals(10 + 2 + 3 + 4, Prefetch.lines(s, 64, 192, 10));
      assertEquals(10, Prefetch.lines(s, 64, 0, 10), "an empty range reads nothing");
    }
  }

  /**
   * Every search ends its prefetches with {@link Prefetch#done}; a store into one static field there was a cache
   * line that every reader wrote, on whichever core it ran, three times a search. The sums of real searches (any
   * value but the one sentinel) must leave it alone.
   */
  @Test
  void doneWritesNothingSharedForTheSumsASearchMakes() {
    int before = Prefetch.sink;
    for (int acc : new int[] {0, 1, -1, 12_345, -640_000, Integer.MAX_VALUE}) {
      Prefetch.done(acc);
      assertEquals(before, Prefetch.sink, "done(" + acc + ") stored into the shared field");
    }
  }
}
