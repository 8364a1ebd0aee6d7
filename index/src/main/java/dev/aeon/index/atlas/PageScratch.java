package dev.aeon.index.atlas;

/**
 * One query's buffers for scoring a page: the kernel's integer dot products and the page's scales.
 *
 * <p>The kernel is always asked for an even number of vectors (one more than the page holds, when that
 * is odd and the page has room): it scores vectors in pairs and handles an odd last one in a separate
 * tail loop that, once the JIT has compiled both, runs far slower than the paired loop (measured on
 * AVX-512 on a shared machine: a page of 31 cost two to four times a page of 32). The extra entry lies inside the page, may be
 * stale or half-written, and its score is never read.
 */
final class PageScratch {

  final int[] dots;
  final float[] scales;
  private final int capacity;

  PageScratch(int capacity) {
    this.capacity = capacity;
    this.dots = new int[capacity];
    this.scales = new float[capacity];
  }

  /** The count to ask the kernel for, for a page holding {@code n} entries. */
  int kernelCount(int n) {
    return (n & 1) == 1 && n < capacity ? n + 1 : n;
  }
}
