package dev.aeon.index.atlas;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Reads one byte of every cache line of a range, so that the lines of many scattered entries are fetched
 * together. Java has no prefetch instruction; a scoring loop that meets each entry's cache misses one
 * entry at a time waits for memory once per entry, where these independent loads, issued back to back,
 * let the CPU wait for many misses at once.
 */
final class Prefetch {

  private static final int LINE = 64;
  /**
   * Keeps the loads alive: the JIT may drop loads whose values are never used. Written only for {@link #NEVER}, which
   * no search's sum is: a store here at the end of every prefetch was a cache line that every reader wrote, whichever
   * core it ran on, three times a search (PrefetchTest). Package-private for that test.
   */
  static int sink;
  /**
   * The one sum {@link #done} stores. A sum of one signed byte per line reaches it only past 2^31 / 128
   * lines (a range of a gibibyte and more), and then the store is harmless, only shared.
   */
  private static final int NEVER = Integer.MIN_VALUE;

  private Prefetch() {}

  /** Touches the lines of {@code [offset, offset + bytes)} of {@code s}; returns a value to pass to {@link #done}. */
  static int lines(MemorySegment s, long offset, long bytes, int acc) {
    for (long at = offset, end = offset + bytes; at < end; at += LINE) {
      acc += s.get(ValueLayout.JAVA_BYTE, at);
    }
    return acc;
  }

  /**
   * Uses the touched bytes' sum so that none of the loads is optimised away: compared, not stored, as the compiler
   * cannot know it never equals {@link #NEVER}.
   */
  static void done(int acc) {
    if (acc == NEVER) {
      sink = acc;
    }
  }
}
