package dev.aeon.query.trace;

/**
 * How long the first chunk of a growable column is. Columns grow by whole chunks of many thousand elements
 * (few chunks keep their headers in cache on random reads), but a server may hold thousands of namespaces of a
 * few events each: the first chunk starts at {@value #SMALLEST} elements and doubles, copied, until it is
 * whole. Only the first chunk is ever short, and only while it is the only one.
 */
final class FirstChunk {

  /** The elements of a first chunk at its smallest. */
  static final int SMALLEST = 1 << 10;

  private FirstChunk() {}

  /** The length of a first chunk that holds {@code index}, in a column whose chunks hold {@code whole}. */
  static int lengthFor(int index, int whole) {
    return Math.min(whole, Math.max(SMALLEST, Integer.highestOneBit(index) << 1));
  }

  /** The length of the chunk table after growing it for {@code chunk}. */
  static int tableLengthFor(int chunk, int tableLength) {
    return chunk == 0 ? Math.max(1, tableLength) : Math.max(chunk + 1, tableLength * 2);
  }
}
