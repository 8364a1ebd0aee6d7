package dev.aeon.index.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A query's INT8 codes made ready for bulk scoring: prepared once per search and used for every page and
 * routing node it scores. The codes are widened to 16 bits here, once, rather than for every page: that
 * widening, and the array it needed, had been most of what a search allocated.
 *
 * <p>Immutable: it holds copies, so the caller may reuse the codes it was prepared from. Every
 * {@link VectorKernels} accepts it.
 */
public final class Int8Query {

  final byte[] codes;
  final short[] widened;
  /** The sum of the codes, which the VNNI kernel needs to undo the bias it gives the stored codes. */
  final int codeSum;

  private Int8Query(byte[] codes, short[] widened, int codeSum) {
    this.codes = codes;
    this.widened = widened;
    this.codeSum = codeSum;
  }

  /** Prepares {@code dim} codes from {@code offset} of {@code query} (one signed byte each, in [-127, 127]). */
  public static Int8Query of(MemorySegment query, long offset, int dim) {
    byte[] codes = query.asSlice(offset, dim).toArray(ValueLayout.JAVA_BYTE);
    short[] widened = new short[dim];
    int sum = 0;
    for (int i = 0; i < dim; i++) {
      widened[i] = codes[i];
      sum += codes[i];
    }
    return new Int8Query(codes, widened, sum);
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
