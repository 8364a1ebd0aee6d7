package dev.aeon.index.atlas.store;

/**
 * Layout of one record of the FP32 sidecar: the L2-normalised original of one vector, for exact
 * re-ranking. Record {@code s} ("slot s") starts at {@code 64 + s * recordBytes}.
 *
 * <pre>
 *  0          8        12       16                 16 + 4*dim   (padded to a multiple of 16)
 *  +----------+--------+--------+------------------+----
 *  | id (u32  | crc32c | flags  | float[dim] (LE)  | pad
 *  |  in long)| int    | int    |                  |
 *  +----------+--------+--------+------------------+----
 * </pre>
 * The CRC32C covers the id and the floats. {@code flags} is 1 for a written record.
 */
public final class VectorLayout {

  public static final String FORMAT = "atlas-vectors";
  public static final int VERSION = 1;
  public static final int OFF_ID = 0;
  public static final int OFF_CRC = 8;
  public static final int OFF_FLAGS = 12;
  public static final int OFF_FLOATS = 16;
  public static final int FLAG_WRITTEN = 1;

  public final int dim;
  public final int recordBytes;

  public VectorLayout(int dim) {
    this.dim = dim;
    this.recordBytes = (OFF_FLOATS + 4 * dim + 15) & ~15;
  }
}
