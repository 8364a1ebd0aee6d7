package dev.aeon.index.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A query's INT8 codes made ready for bulk scoring: prepared once per search and used for every page and
 * routing node it scores. The codes are widened to 16 bits here, once, rather than for every page: that
 * widening, and the array it needed, had been most of what a search allocated.
 *
 * <p>Made by {@link VectorKernels#prepareI8}. Immutable: it holds copies, so the caller may reuse the
 * codes it was prepared from. Any {@link VectorKernels} accept a query prepared by any other.
 */
public final class Int8Query {

  final byte[] codes;
  final short[] widened;

  Int8Query(byte[] codes, short[] widened) {
    this.codes = codes;
    this.widened = widened;
  }

  /** A copy of {@code dim} codes from {@code offset}, for the kernels' {@code prepareI8}. */
  static byte[] copy(MemorySegment query, long offset, int dim) {
    return query.asSlice(offset, dim).toArray(ValueLayout.JAVA_BYTE);
  }

  /** The number of components. */
  public int dim() {
    return codes.length;
  }

  MemorySegment codeSegment() {
    return MemorySegment.ofArray(codes);
  }
}
