package dev.aeon.bench.ann;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads IDX image files (the MNIST family's format): big-endian int32 magic {@code 0x00000803}
 * (unsigned bytes, 3 dimensions), count, rows, columns, then {@code count * rows * cols} pixel bytes.
 */
final class IdxImages {

  static final int MAGIC = 0x803;

  private IdxImages() {}

  /** Every image of the stream as a row of {@code rows * cols} floats (pixel values 0..255). */
  static float[][] read(InputStream stream, String source) throws IOException {
    DataInputStream in = new DataInputStream(stream);
    int magic = in.readInt();
    if (magic != MAGIC) {
      throw new IOException(source + ": not an IDX image file (magic 0x" + Integer.toHexString(magic)
          + ", expected 0x803)");
    }
    int count = in.readInt(), rows = in.readInt(), cols = in.readInt();
    if (count < 0 || rows <= 0 || cols <= 0 || (long) rows * cols > 1 << 20) {
      throw new IOException(source + ": implausible IDX shape " + count + " x " + rows + " x " + cols);
    }
    int dim = rows * cols;
    float[][] out = new float[count][dim];
    byte[] pixels = new byte[dim];
    for (int i = 0; i < count; i++) {
      try {
        in.readFully(pixels);
      } catch (EOFException e) {
        throw new IOException(source + ": truncated after " + i + " of " + count + " images", e);
      }
      for (int j = 0; j < dim; j++) {
        out[i][j] = pixels[j] & 0xFF;
      }
    }
    return out;
  }
}
