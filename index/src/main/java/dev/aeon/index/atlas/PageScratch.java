package dev.aeon.index.atlas;

/** One query's buffers for scoring a page: the kernel's integer dot products and the page's scales. */
final class PageScratch {

  final int[] dots;
  final float[] scales;

  PageScratch(int capacity) {
    this.dots = new int[capacity];
    this.scales = new float[capacity];
  }
}
