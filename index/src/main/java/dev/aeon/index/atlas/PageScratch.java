package dev.aeon.index.atlas;

/**
 * One query's buffers: the kernel's integer dot products and a page's scales, and the sketch estimates of
 * a run of a leaf's pages.
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
}
