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
 * <p>Immutable: it holds copies, so the caller may reuse the codes it was prepared from. Every
 * {@link VectorKernels} accepts it.
 */
public final class Int8Query {

  final byte[] codes;
  /** The sum of the codes, which the VNNI kernel needs to undo the bias it gives the stored codes. */
  final int codeSum;
  /** Made on first use; a race makes two equal copies, and a volatile write publishes either whole. */
  private volatile short[] widened;

  private Int8Query(byte[] codes, int codeSum) {
    this.codes = codes;
    this.codeSum = codeSum;
  }

  /** Prepares {@code dim} codes from {@code offset} of {@code query} (one signed byte each, in [-127, 127]). */
  public static Int8Query of(MemorySegment query, long offset, int dim) {
    byte[] codes = query.asSlice(offset, dim).toArray(ValueLayout.JAVA_BYTE);
    int sum = 0;
    for (byte c : codes) {
      sum += c;
    }
    return new Int8Query(codes, sum);
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

  /** The number of components. */
  public int dim() {
    return codes.length;
  }

  /** The codes, for the kernels that score one pair ({@link VectorKernels#dotI8}). */
  public MemorySegment codeSegment() {
    return MemorySegment.ofArray(codes);
  }
}
