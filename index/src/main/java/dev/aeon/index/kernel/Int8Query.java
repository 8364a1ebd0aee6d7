package dev.aeon.index.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A query's INT8 codes made ready for bulk scoring: prepared once per search and used for every page and
 * routing node it scores. The Vector API kernel reads the codes widened to 16 bits, widened here once
 * rather than for every page (that widening, and the array it needed, had been most of what a search
 * allocated); the VNNI kernel reads the codes and their sum instead, so the widened copy is made only when
 * a kernel first asks for it.
 *
 * <p>It also keeps the segments the VNNI kernel passes to its native code: one over the codes, and one over
 * the array the last call wrote its scores into (a search reuses one array for every page). Made per call,
 * those segments were most of what a search allocated: a search makes a few hundred kernel calls, and
 * inside a search the JIT's escape analysis did not remove the segments a downcall takes.
 *
 * <p>Immutable but for those caches: it holds copies (but for {@link #ofOwned}), so the caller may reuse the
 * codes it was prepared from. Every {@link VectorKernels} accepts it, and threads may share it.
 */
public final class Int8Query {

  final byte[] codes;
  /** {@link #codes} as a segment. */
  final MemorySegment codeSegment;
  /** The sum of the codes, which the VNNI kernel needs to undo the bias it gives the stored codes. */
  final int codeSum;
  /** Made on first use; a race makes two equal copies, and a volatile write publishes either whole. */
  private volatile short[] widened;
  /** The segment over the last score array seen; a race makes two, either of them right. */
  private volatile ScoreArray lastScores;

  private record ScoreArray(int[] array, MemorySegment segment) {}

  private Int8Query(byte[] codes, int codeSum) {
    this.codes = codes;
    this.codeSegment = MemorySegment.ofArray(codes);
    this.codeSum = codeSum;
  }

  /** A segment over {@code scores}, the same one as last time when the array is. */
  MemorySegment scoreSegment(int[] scores) {
    ScoreArray last = lastScores;
    if (last == null || last.array != scores) {
      last = new ScoreArray(scores, MemorySegment.ofArray(scores));
      lastScores = last;
    }
    return last.segment;
  }

  /** Prepares {@code dim} codes from {@code offset} of {@code query} (one signed byte each, in [-127, 127]). */
  public static Int8Query of(MemorySegment query, long offset, int dim) {
    return ofOwned(query.asSlice(offset, dim).toArray(ValueLayout.JAVA_BYTE));
  }

  /** The codes widened to 16 bits, for the Vector API's bulk kernel. */
  short[] widened() {
    short[] w = widened;
    if (w == null) {
      w = new short[codes.length];
      for (int i = 0; i < w.length; i++) {
        w[i] = codes[i];
      }
      widened = w;
    }
    return w;
  }

  /** Prepares the codes of a whole array. */
  public static Int8Query of(byte[] codes) {
    return of(MemorySegment.ofArray(codes), 0, codes.length);
  }

  /**
   * Prepares the codes of a whole array without copying them, for a caller that made the array for this
   * query alone and never writes it again: a recall's query ({@code PreparedQuery}), which had paid for a
   * copy and two segments on every recall.
   */
  public static Int8Query ofOwned(byte[] codes) {
    int sum = 0;
    for (byte c : codes) {
      sum += c;
    }
    return new Int8Query(codes, sum);
  }

  /** The number of components. */
  public int dim() {
    return codes.length;
  }

  /** The codes, for the kernels that score one pair ({@link VectorKernels#dotI8}). */
  public MemorySegment codeSegment() {
    return codeSegment;
  }
}
