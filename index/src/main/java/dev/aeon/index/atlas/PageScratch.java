package dev.aeon.index.atlas;

/**
 * A search's buffers: the kernel's integer dot products and a page's scales, and the sketch estimates of
 * a run of a leaf's pages. A thread keeps them from one search to the next ({@link SearchScratch}).
 */
final class PageScratch {

  final int[] dots;
  final float[] scales;
  final float[] estimates;

  PageScratch(AtlasConfig config) {
    this.dots = new int[config.pageCapacity()];
    this.scales = new float[config.pageCapacity()];
    this.estimates = new float[config.leafCapacity()];
  }

  /** Whether these are the buffers a search of an index of {@code config} makes (their sizes steer it). */
  boolean fits(AtlasConfig config) {
    return dots.length == config.pageCapacity() && estimates.length == config.leafCapacity();
  }
}
