package dev.aeon.query.trace;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The set of forgotten slots of a {@link TraceGraph}, for its one writer and lock-free readers. A slot is never
 * un-forgotten while a graph lives: a compaction keeps every slot under its number (it frees names, not slots), a
 * dropped trace goes whole, and an open builds a new graph whose set the meta log's forgets fill. So the set only
 * grows, and a forget sets its slots' bits in place. The set it replaces was an immutable bitmap that every forget
 * copied whole (copy-on-write), a cost that grew with every forget the trace had ever had.
 *
 * <p>Bits are kept in chunks of {@value #SLOTS_PER_CHUNK} slots (8 KiB), each made on the first forget in its
 * range; the table of chunks grows by a copy of its references, never of a chunk, so a reader holding an older
 * table reads the same chunks the writer writes (none is ever left behind in a copy).
 *
 * <p>Ordering: {@link #add} is a release store of the bit's word, {@link #contains} an acquire load. A reader that
 * sees a store the writer made after an add (a forgotten event's attributes cleared, its edges removed: release
 * stores too) then finds the slot forgotten. There is no snapshot: a reader that looks at two slots may find a forget
 * between its two looks, as it could when it read the copied set's field once per look.
 */
final class ForgottenSlots {

  private static final int SHIFT = 16;
  static final int SLOTS_PER_CHUNK = 1 << SHIFT;
  private static final int WORDS = SLOTS_PER_CHUNK / Long.SIZE;
  private static final VarHandle WORD = MethodHandles.arrayElementVarHandle(long[].class);

  /** Chunk {@code i} holds slots {@code i << SHIFT ..}; null where no slot of its range is forgotten. */
  private volatile long[][] chunks = new long[0][];

  boolean contains(int slot) {
    long[][] c = chunks;
    int chunk = slot >>> SHIFT;
    if (chunk >= c.length) {
      return false;
    }
    long[] words = c[chunk];
    return words != null && ((long) WORD.getAcquire(words, (slot >>> 6) & (WORDS - 1)) & (1L << slot)) != 0;
  }

  /** Writer only: forgets {@code slot} (not negative). */
  void add(int slot) {
    long[] words = chunkFor(slot);
    int i = (slot >>> 6) & (WORDS - 1);
    long word = (long) WORD.get(words, i); // the writer's own last store
    WORD.setRelease(words, i, word | (1L << slot));
  }

  private long[] chunkFor(int slot) {
    int chunk = slot >>> SHIFT;
    long[][] c = chunks;
    if (chunk < c.length && c[chunk] != null) {
      return c[chunk];
    }
    // A new table whose other chunks are those of the old one: a reader of either finds every bit set in them.
    long[][] grown = Arrays.copyOf(c, Math.max(c.length, chunk + 1));
    grown[chunk] = new long[WORDS];
    chunks = grown;
    return grown[chunk];
  }

  long heapBytes() {
    long[][] c = chunks;
    long bytes = 16 + 8L * c.length;
    for (long[] words : c) {
      bytes += words == null ? 0 : 16 + 8L * words.length;
    }
    return bytes;
  }
}
