package dev.aeon.index.atlas;

/**
 * One query's buffers for scoring a page: the kernel's integer dot products and the page's scales, or
 * the sketch estimates and the page's sketch factors.
 */
final class PageScratch {

  final int[] dots;
  final float[] scales;
  final float[] estimates;
  final float[] factors;

  PageScratch(int capacity) {
    this.dots = new int[capacity];
    this.scales = new float[capacity];
    this.estimates = new float[capacity];
    this.factors = new float[capacity];
  }
}
