package dev.aeon.index.kernel;

/**
 * How sketches are laid out for {@link VectorKernels#sketchScores}: blocks of {@code stride} sketches,
 * each block holding the sketches' factors and then their words, word-major, so that one vector load
 * reads the same word of consecutive sketches.
 *
 * <pre>
 *  0                  factorBytes          factorBytes + 8*stride            blockBytes
 *  +------------------+--------------------+----------------------+- ... -+
 *  | factors[stride]  | word 0 of stride   | word 1 of stride     |       |
 *  | float (LE), pad  | sketches, u64 (LE) | sketches             |       |
 *  +------------------+--------------------+----------------------+- ... -+
 * </pre>
 *
 * @param stride sketches per block
 * @param words 64-bit words per sketch
 */
public record SketchBlocks(int stride, int words) {

  public SketchBlocks {
    if (stride <= 0 || words <= 0) {
      throw new IllegalArgumentException("stride and words must be positive: " + stride + ", " + words);
    }
  }

  /** Blocks for sketches of {@code dim} dimensions. */
  public static SketchBlocks of(int stride, int dim) {
    return new SketchBlocks(stride, SignSketch.words(dim));
  }

  /** Bytes of the factors, padded so that the words are 8-byte aligned. */
  public int factorBytes() {
    return (4 * stride + 7) & ~7;
  }

  public int blockBytes() {
    return factorBytes() + 8 * words * stride;
  }

  /** Offset in a block of sketch {@code i}'s factor. */
  public long factorOffset(int i) {
    return 4L * i;
  }

  /** Offset in a block of word {@code w} of sketch {@code i}. */
  public long wordOffset(int w, int i) {
    return factorBytes() + 8L * ((long) w * stride + i);
  }
}
