package dev.aeon.index.atlas;

import dev.aeon.index.kernel.Int8Quantizer;
import dev.aeon.index.kernel.Int8Query;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A query vector checked, normalised and quantized once ({@link AtlasIndex#prepare}), so that everything
 * that scores it (the index's search, and a caller's own cache of earlier queries) shares that work. The
 * unit vector is what cosine scores are computed against; the INT8 codes and scale follow
 * {@link Int8Quantizer}'s rule.
 *
 * <p>Immutable, as far as its users keep to reading: {@link #unitVector} hands out the array itself
 * rather than a copy (a search reads it many times), and it must not be modified.
 */
public final class PreparedQuery {

  private final float[] unit;
  private final float scale;
  private final Int8Query int8;

  PreparedQuery(float[] unit) {
    this.unit = unit;
    byte[] codes = new byte[unit.length];
    scale = Int8Quantizer.quantize(unit, codes);
    int8 = Int8Query.ofOwned(codes); // written here only
  }

  /**
   * Checks {@code vector} (finite components, not all zeros) and prepares it, whatever its dimension;
   * {@link AtlasIndex#prepare} also checks the dimension against the index's.
   */
  public static PreparedQuery of(float[] vector) {
    Objects.requireNonNull(vector, "vector");
    return new PreparedQuery(Vectors.unitCopy(vector, vector.length, "query"));
  }

  /** The query at unit length. Shared, not copied: read it, never write it. */
  public float[] unitVector() {
    return unit;
  }

  public int dimension() {
    return unit.length;
  }

  /** The INT8 codes of {@link #unitVector}, read-only. */
  public MemorySegment codes() {
    return int8.codeSegment().asReadOnly();
  }

  /** The scale of the codes: code x scale approximates the component. */
  public float scale() {
    return scale;
  }

  /** The codes made ready for the bulk kernels. */
  public Int8Query int8() {
    return int8;
  }
}
