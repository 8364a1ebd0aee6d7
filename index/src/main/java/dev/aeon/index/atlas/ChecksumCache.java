package dev.aeon.index.atlas;

import dev.aeon.index.atlas.store.PageFile;
import java.util.Arrays;

/**
 * The page checksums the last flushes computed, each with the generation and count it covered, so that a
 * flush computes only those of pages written since: an append raises a page's count, and emptying or
 * cutting back a page raises its generation ({@link PageFile#generation}). Used by one flush at a time
 * (under the index's manifest lock).
 */
final class ChecksumCache {

  private int[] generations = new int[0];
  private int[] counts = new int[0];
  private int[] checksums = new int[0];

  /** The checksum of the first {@code count} entries of {@code page} at {@code generation}. */
  int checksum(PageFile pages, int page, int generation, int count) {
    if (page < counts.length && counts[page] == count && generations[page] == generation) {
      return checksums[page];
    }
    int crc = pages.checksum(page, count);
    if (page >= counts.length) {
      int grown = Math.max(page + 1, counts.length * 2);
      generations = Arrays.copyOf(generations, grown);
      checksums = Arrays.copyOf(checksums, grown);
      int old = counts.length;
      counts = Arrays.copyOf(counts, grown);
      Arrays.fill(counts, old, grown, -1);
    }
    generations[page] = generation;
    counts[page] = count;
    checksums[page] = crc;
    return crc;
  }
}
