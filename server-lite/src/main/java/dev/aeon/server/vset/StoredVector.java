package dev.aeon.server.vset;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * The vector of a vector-set element as kept in the event attribute {@value #ATTRIBUTE}, so that VEMB and
 * {@code VSIM ELE} can read it back exactly as Redis would: NOQUANT keeps the floats as given; Q8 (the
 * default, as in Redis) keeps int8 codes of the unit vector, its L2 norm and the quantization range.
 * Stored as Base64 of this little-endian layout:
 *
 * <pre>
 *  0       1       2               6               10              14
 *  +-------+-------+---------------+---------------+---------------+------------------------------+
 *  |version| type  |  dimension    |  L2 norm      |  range (Q8)   | data: dim floats (F32),       |
 *  |  (1)  |1=F32  |  int32        |  float32      |  float32      |  or dim int8 codes (Q8)       |
 *  |       |2=Q8   |               |               |  0 for F32    |                              |
 *  +-------+-------+---------------+---------------+---------------+------------------------------+
 * </pre>
 * Q8 code i is round(127 * u_i / range) where u is the unit vector and range = max |u_i|.
 */
public record StoredVector(Quantization quantization, float[] values, float norm, float range, byte[] codes) {

  public static final String ATTRIBUTE = "vset.vec";
  static final int VERSION = 1;
  static final int OFFSET_VERSION = 0;
  static final int OFFSET_TYPE = 1;
  static final int OFFSET_DIMENSION = 2;
  static final int OFFSET_NORM = 6;
  static final int OFFSET_RANGE = 10;
  static final int HEADER = 14;
  /** The most bytes one event's attributes may take encoded: the stored vector and the element's JSON share it. */
  public static final int ATTRIBUTES_BYTES = dev.aeon.query.trace.Trace.MAX_ATTRIBUTE_BYTES;
  /** What the engine's encoding of attributes adds to the Base64: the count, this key, a type and a length. */
  private static final int ATTRIBUTE_OVERHEAD = Short.BYTES + Short.BYTES + ATTRIBUTE.length() + 1 + Integer.BYTES;

  /** How a vector set keeps its vectors; Redis' names for VINFO's quant-type. */
  public enum Quantization {
    F32("f32"), Q8("int8");

    final String redisName;

    Quantization(String redisName) {
      this.redisName = redisName;
    }

    public String redisName() {
      return redisName;
    }
  }

  /**
   * The most dimensions a vector may have to be stored with this quantization, without attributes: 6,135 with
   * NOQUANT and 24,541 with Q8, as the Base64 of 4 (or 1) bytes per dimension must fit in
   * {@link #ATTRIBUTES_BYTES}.
   */
  public static int maxDimension(Quantization q) {
    int base64Chars = (ATTRIBUTES_BYTES - ATTRIBUTE_OVERHEAD) / 4 * 4;
    return (base64Chars / 4 * 3 - HEADER) / (q == Quantization.F32 ? Float.BYTES : 1);
  }

  /** Encodes a vector as given by a client, with its L2 norm (non-zero). */
  public static StoredVector of(float[] v, double norm, Quantization q) {
    if (q == Quantization.F32) {
      return new StoredVector(q, v.clone(), (float) norm, 0, null);
    }
    float range = 0;
    for (float f : v) {
      range = Math.max(range, (float) Math.abs(f / norm));
    }
    byte[] codes = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      codes[i] = (byte) Math.round(127 * (v[i] / norm) / range);
    }
    return new StoredVector(q, null, (float) norm, range, codes);
  }

  public int dimension() {
    return values != null ? values.length : codes.length;
  }

  /** The vector as VEMB returns it: the floats given, or the dequantized unit vector times the norm. */
  public float[] vector() {
    if (values != null) {
      return values.clone();
    }
    float[] v = new float[codes.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = codes[i] / 127f * range * norm;
    }
    return v;
  }

  /** VEMB RAW's blob: the unit vector as little-endian floats (F32), or the int8 codes (Q8). */
  public byte[] rawBlob() {
    if (codes != null) {
      return codes.clone();
    }
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : values) {
      b.putFloat(f / norm);
    }
    return b.array();
  }

  public String encode() {
    int dim = dimension();
    ByteBuffer b = ByteBuffer.allocate(HEADER + (values != null ? 4 * dim : dim)).order(ByteOrder.LITTLE_ENDIAN);
    b.put(OFFSET_VERSION, (byte) VERSION);
    b.put(OFFSET_TYPE, (byte) (quantization == Quantization.F32 ? 1 : 2));
    b.putInt(OFFSET_DIMENSION, dim);
    b.putFloat(OFFSET_NORM, norm);
    b.putFloat(OFFSET_RANGE, range);
    b.position(HEADER);
    if (values != null) {
      for (float f : values) {
        b.putFloat(f);
      }
    } else {
      b.put(codes);
    }
    return Base64.getEncoder().encodeToString(b.array());
  }

  /** Decodes an attribute value; throws IllegalStateException naming the element when it is damaged. */
  public static StoredVector decode(String encoded, String element) {
    try {
      ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(encoded)).order(ByteOrder.LITTLE_ENDIAN);
      int version = b.get(OFFSET_VERSION);
      int type = b.get(OFFSET_TYPE);
      int dim = b.getInt(OFFSET_DIMENSION);
      if (version != VERSION || (type != 1 && type != 2) || dim <= 0
          || b.capacity() != HEADER + (type == 1 ? 4L * dim : dim)) {
        throw new IllegalStateException("version " + version + ", type " + type + ", dimension " + dim
            + ", " + b.capacity() + " bytes");
      }
      b.position(HEADER);
      if (type == 1) {
        float[] v = new float[dim];
        b.asFloatBuffer().get(v);
        return new StoredVector(Quantization.F32, v, b.getFloat(OFFSET_NORM), 0, null);
      }
      byte[] codes = new byte[dim];
      b.get(codes);
      return new StoredVector(Quantization.Q8, null, b.getFloat(OFFSET_NORM), b.getFloat(OFFSET_RANGE), codes);
    } catch (IllegalArgumentException | IndexOutOfBoundsException | IllegalStateException e) {
      throw new IllegalStateException("the stored vector of element '" + element + "' is damaged: " + e.getMessage());
    }
  }
}
