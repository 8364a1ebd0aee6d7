package dev.aeon.index.atlas;

/** Input checks and L2 normalisation of the vectors that enter the index, and of centroid rows. */
final class Vectors {

  /** Ids are unsigned 32-bit values so that RoaringBitmap filters can name them. */
  static final long MAX_ID = 0xFFFF_FFFFL;

  private Vectors() {}

  /** How far from 1 a squared length may be for the vector to count as unit length: a few float steps. */
  static final double UNIT_TOLERANCE = 1e-6;

  /** A unit-length copy of {@code v}, or an exception naming what is wrong with it. */
  static float[] unitCopy(float[] v, int dim, String what) {
    float[] out = new float[dim];
    unitInto(v, dim, what, -1, out);
    return out;
  }

  /**
   * Writes a unit-length copy of {@code v} into {@code out} (its {@code dim} values, all of them), or throws as
   * {@link #unitCopy} does for the vector of id {@code id}: the insert's, whose message is made only if it throws.
   */
  static void unitInto(float[] v, int dim, long id, float[] out) {
    unitInto(v, dim, null, id, out);
  }

  private static void unitInto(float[] v, int dim, String whatOrNull, long id, float[] out) {
    String what = whatOrNull; // made below only for a message
    if (v == null) {
      what = what != null ? what : "vector of id " + id;
      throw new NullPointerException(what + " is null"); // the package's rule: a null is misuse, not a bad value
    }
    if (v.length != dim) {
      what = what != null ? what : "vector of id " + id;
      throw new IllegalArgumentException(what + " has dimension " + v.length + ", the index has " + dim);
    }
    double norm = 0;
    for (int i = 0; i < v.length; i++) {
      if (!Float.isFinite(v[i])) {
        what = what != null ? what : "vector of id " + id;
        throw new IllegalArgumentException(what + " has a non-finite component at " + i + ": " + v[i]);
      }
      norm += (double) v[i] * v[i];
    }
    if (norm == 0) {
      what = what != null ? what : "vector of id " + id;
      throw new IllegalArgumentException(what + " has zero length; cosine is undefined");
    }
    // A vector of unit length to float precision (one this index stored and exported, say) is kept as it is:
    // scaling it by 1 / 1.00000001 would move components by a float step, and each round trip again.
    if (Math.abs(norm - 1) <= UNIT_TOLERANCE) {
      System.arraycopy(v, 0, out, 0, dim);
    } else {
      scaledInto(v, 1 / Math.sqrt(norm), out);
    }
  }

  /** The direction of {@code v}: a unit-length copy, or zeros for a zero vector. */
  static float[] direction(float[] v) {
    float[] u = new float[v.length];
    directionInto(v, u);
    return u;
  }

  /** Writes the direction of {@code v} into {@code out}, as {@link #direction} returns it. */
  static void directionInto(float[] v, float[] out) {
    directionInto(v, length(v), out);
  }

  /** {@link #directionInto(float[], float[])} of a vector whose {@link #length} the caller has: {@code norm}. */
  static void directionInto(float[] v, double norm, float[] out) {
    scaledInto(v, norm > 0 ? 1 / norm : 0, out);
  }

  /**
   * {@code v} times {@code factor}, multiplied in double: the inverse length of a vector whose squared
   * length is below float's range (1e-40, say) overflows a float, and would make its direction infinite.
   */
  private static void scaledInto(float[] v, double factor, float[] out) {
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] * factor);
    }
  }

  /** The L2 length of {@code v}. */
  static double length(float[] v) {
    double squares = 0;
    for (float x : v) {
      squares += (double) x * x;
    }
    return Math.sqrt(squares);
  }

  /** The direction of the sum of the {@code dim}-float rows of {@code rows}: a parent's centroid row. */
  static float[] directionOfSum(float[] rows, int dim) {
    float[] sum = new float[dim];
    for (int i = 0; i < rows.length; i++) {
      sum[i % dim] += rows[i];
    }
    return direction(sum);
  }

  static void checkId(long id) {
    if (id < 0 || id > MAX_ID) {
      throw new IllegalArgumentException("id " + id + " is outside [0, 2^32 - 1]");
    }
  }
}
