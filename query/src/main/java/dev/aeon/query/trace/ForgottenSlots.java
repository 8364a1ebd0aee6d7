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
 * range; the table of chunks grows by a copy of its references. The first chunk alone starts short, as the columns'
 * do ({@link FirstChunk}: a server may hold thousands of namespaces of a few events each), and doubles by a copy
 * until it is whole; a later chunk is never copied. A reader holding an older table may read a first chunk left
 * behind by a copy, which lacks the bits set after it: as a read before them. {@link #contains} takes the table
 * anew at each call, after whatever the reader read before, so it never misses a bit whose effects it saw.
 *
 * <p>Ordering: {@link #add} is a release store of the bit's word, {@link #contains} an acquire load. A reader that
 * sees a store the writer made after an add (a forgotten event's attributes cleared, its edges removed: release
 * stores too) then finds the slot forgotten. There is no snapshot: a reader that looks at two slots may find a forget
 * between its two looks, and one forget of several slots sets their bits one by one, where the copied set was
 * published whole and a scan or a walk read it once. A reader that combines what it found of several slots into one
 * answer looks again at the one it started from ({@link TraceGraph}'s NEXT links).
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
    int word = (slot >>> 6) & (WORDS - 1);
    return words != null && word < words.length && ((long) WORD.getAcquire(words, word) & (1L << slot)) != 0;
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
    int word = (slot >>> 6) & (WORDS - 1);
    if (chunk < c.length && c[chunk] != null && word < c[chunk].length) {
      return c[chunk];
    }
    // A new table whose other chunks are those of the old one: a reader of either finds every bit set in them.
    long[][] grown = Arrays.copyOf(c, Math.max(c.length, chunk + 1));
    if (chunk == 0) {
      // Copied with every bit set so far (the writer's own stores), published with the table
      grown[0] = Arrays.copyOf(c.length == 0 || c[0] == null ? new long[0] : c[0], firstWords(slot));
    } else {
      grown[chunk] = new long[WORDS];
    }
    chunks = grown;
    return grown[chunk];
  }

  /** The words of a first chunk that holds {@code slot}: those of {@link FirstChunk#lengthFor} slots. */
  private static int firstWords(int slot) {
    return FirstChunk.lengthFor(slot, SLOTS_PER_CHUNK) / Long.SIZE;
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
