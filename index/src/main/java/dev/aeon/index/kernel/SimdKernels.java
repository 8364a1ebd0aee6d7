package dev.aeon.index.kernel;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels: the only class that imports {@code jdk.incubator.vector}.
 *
 * <p>INT8 products are formed in 16-bit lanes (a byte vector widened to shorts), which is what the
 * Vector API can express; AVX-512 VNNI's {@code vpdpbusd} (four byte products summed into an int in one
 * instruction) is not reachable from it, which bounds the INT8 kernels: per 32 bytes of a code vector
 * they spend a widening, a multiply and shift/add work that VNNI does in one instruction.
 *
 * <p>Loads: a vector load from a {@link MemorySegment} is compiled to one instruction only while C2
 * sees one kind of segment there; the type profile lives in the JDK's shared load code, so once a JVM
 * has loaded vectors from both heap and native segments (k-means and the routing tree use heap arrays,
 * the page and sidecar files are mapped) every load falls back to a slow generic path, several tens of
 * times slower. So heap segments backed by a matching array are read with {@code fromArray} and only
 * native segments with {@code fromMemorySegment}; the choice is made once per call and is loop-invariant.
 */
public final class SimdKernels implements VectorKernels {

  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Short> S = ShortVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Long> L = LongVector.SPECIES_PREFERRED;
  /** Floats as many as {@link #L} has lanes: the sketch kernel's estimates, one per long lane. */
  private static final VectorSpecies<Float> LF =
      VectorSpecies.of(float.class, VectorShape.forBitSize(L.vectorBitSize() / 2));
  /** Bytes that widen into one full short vector (half the preferred width). */
  private static final VectorSpecies<Byte> B =
      VectorSpecies.of(byte.class, VectorShape.forBitSize(S.vectorBitSize() / 2));
  /**
   * Half of {@link #B}, widened to shorts ({@link #HS}) and ints (as many as fit the preferred width): the
   * bulk kernel's tail, e.g. the last 16 of 784 dimensions, which one-by-one reads had made a fifth of a
   * search's time on Fashion-MNIST.
   */
  private static final VectorSpecies<Byte> HB =
      VectorSpecies.of(byte.class, VectorShape.forBitSize(S.vectorBitSize() / 4));
  private static final VectorSpecies<Short> HS =
      VectorSpecies.of(short.class, VectorShape.forBitSize(S.vectorBitSize() / 2));

  /** Bytes as many as {@link #F} has lanes: the quantizer's codes. */
  private static final VectorSpecies<Byte> QB =
      VectorSpecies.of(byte.class, VectorShape.forBitSize(F.vectorBitSize() / 4));

  public static final SimdKernels INSTANCE = new SimdKernels();

  private SimdKernels() {}

  /** True if the preferred vectors are wide enough for these kernels to beat the scalar loops. */
  static boolean worthwhile() {
    return F.vectorBitSize() >= 256;
  }

  @Override
  public String name() {
    return "simd-" + F.vectorBitSize();
  }

  /**
   * The sum of {@code v}'s lanes in one fixed order: halves added lane-wise until one lane is left. {@code
   * reduceLanes(ADD)} leaves the order open, and its Java fallback and C2's intrinsic take different ones, so the
   * same product changed in its last bit once the kernel was compiled ({@code FloatSumOrderTest}): a score, and the
   * order of two nearly tied results, depended on how warm the JVM was.
   */
  private static float sumLanes(FloatVector v) {
    for (int half = v.length() / 2; half > 0; half /= 2) {
      v = v.add(v.slice(half));
    }
    return v.lane(0);
  }

  @Override
  public float dotF32(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dim) {
    float[] ha = floats(a, aOffset), hb = floats(b, bOffset);
    aOffset = floatBase(a, ha, aOffset, dim);
    bOffset = floatBase(b, hb, bOffset, dim);
    FloatVector acc0 = FloatVector.zero(F), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    int lanes = F.length(), i = 0;
    for (int bound = dim - 4 * lanes; i <= bound; i += 4 * lanes) {
      acc0 = loadF(a, ha, aOffset, i).fma(loadF(b, hb, bOffset, i), acc0);
      acc1 = loadF(a, ha, aOffset, i + lanes).fma(loadF(b, hb, bOffset, i + lanes), acc1);
      acc2 = loadF(a, ha, aOffset, i + 2 * lanes).fma(loadF(b, hb, bOffset, i + 2 * lanes), acc2);
      acc3 = loadF(a, ha, aOffset, i + 3 * lanes).fma(loadF(b, hb, bOffset, i + 3 * lanes), acc3);
    }
    for (int bound = dim - lanes; i <= bound; i += lanes) {
      acc0 = loadF(a, ha, aOffset, i).fma(loadF(b, hb, bOffset, i), acc0);
    }
    float sum = sumLanes(acc0.add(acc1).add(acc2.add(acc3)));
    for (; i < dim; i++) {
      sum = Math.fma(getF(a, ha, aOffset, i), getF(b, hb, bOffset, i), sum);
    }
    return sum;
  }

  /**
   * The same loop as the segment form with array loads only, and no segment to unwrap: the unwrapping
   * ({@link #floats}, {@link #floatBase}) cost about 20 ns per call, a third of a 768-dim product, in
   * {@code ./aeon bench kernels}.
   */
  @Override
  public float dotF32(float[] a, int aOffset, float[] b, int bOffset, int dim) {
    java.util.Objects.checkFromIndexSize(aOffset, dim, a.length);
    java.util.Objects.checkFromIndexSize(bOffset, dim, b.length);
    return dotF32Arrays(a, aOffset, b, bOffset, dim);
  }

  /**
   * A lane's add rounds as the scalar add does, so the bits are the scalar loop's. Why a kernel: the scalar loop of
   * 2-means' cluster sums ({@code sum[base + j] += data[src + j]}, two float arrays at offsets the compiler cannot
   * tell apart) had about 7% of an insert's CPU in JFR's samples of {@code ./aeon bench remember}, far more than a
   * vectorised loop of its length takes, so C2 seems not to have vectorised it (its code was not read).
   */
  @Override
  public void addF32(float[] src, int srcOffset, float[] dst, int dstOffset, int dim) {
    java.util.Objects.checkFromIndexSize(srcOffset, dim, src.length);
    java.util.Objects.checkFromIndexSize(dstOffset, dim, dst.length);
    int lanes = F.length(), i = 0;
    for (int bound = dim - lanes; i <= bound; i += lanes) {
      FloatVector.fromArray(F, dst, dstOffset + i).add(FloatVector.fromArray(F, src, srcOffset + i))
          .intoArray(dst, dstOffset + i);
    }
    for (; i < dim; i++) {
      dst[dstOffset + i] += src[srcOffset + i];
    }
  }

  private static float dotF32Arrays(float[] a, int aBase, float[] b, int bBase, int dim) {
    FloatVector acc0 = FloatVector.zero(F), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    int lanes = F.length(), i = 0;
    for (int bound = dim - 4 * lanes; i <= bound; i += 4 * lanes) {
      acc0 = FloatVector.fromArray(F, a, aBase + i).fma(FloatVector.fromArray(F, b, bBase + i), acc0);
      acc1 = FloatVector.fromArray(F, a, aBase + i + lanes).fma(FloatVector.fromArray(F, b, bBase + i + lanes), acc1);
      acc2 = FloatVector.fromArray(F, a, aBase + i + 2 * lanes)
          .fma(FloatVector.fromArray(F, b, bBase + i + 2 * lanes), acc2);
      acc3 = FloatVector.fromArray(F, a, aBase + i + 3 * lanes)
          .fma(FloatVector.fromArray(F, b, bBase + i + 3 * lanes), acc3);
    }
    for (int bound = dim - lanes; i <= bound; i += lanes) {
      acc0 = FloatVector.fromArray(F, a, aBase + i).fma(FloatVector.fromArray(F, b, bBase + i), acc0);
    }
    float sum = sumLanes(acc0.add(acc1).add(acc2.add(acc3)));
    for (; i < dim; i++) {
      sum = Math.fma(a[aBase + i], b[bBase + i], sum);
    }
    return sum;
  }

  @Override
  public float squaredL2F32(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dim) {
    float[] ha = floats(a, aOffset), hb = floats(b, bOffset);
    aOffset = floatBase(a, ha, aOffset, dim);
    bOffset = floatBase(b, hb, bOffset, dim);
    FloatVector acc0 = FloatVector.zero(F), acc1 = acc0;
    int lanes = F.length(), i = 0;
    for (int bound = dim - 2 * lanes; i <= bound; i += 2 * lanes) {
      FloatVector d0 = loadF(a, ha, aOffset, i).sub(loadF(b, hb, bOffset, i));
      FloatVector d1 = loadF(a, ha, aOffset, i + lanes).sub(loadF(b, hb, bOffset, i + lanes));
      acc0 = d0.fma(d0, acc0);
      acc1 = d1.fma(d1, acc1);
    }
    for (int bound = dim - lanes; i <= bound; i += lanes) {
      FloatVector d = loadF(a, ha, aOffset, i).sub(loadF(b, hb, bOffset, i));
      acc0 = d.fma(d, acc0);
    }
    float sum = sumLanes(acc0.add(acc1));
    for (; i < dim; i++) {
      float d = getF(a, ha, aOffset, i) - getF(b, hb, bOffset, i);
      sum = Math.fma(d, d, sum);
    }
    return sum;
  }

  @Override
  public float cosineF32(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dim) {
    float[] ha = floats(a, aOffset), hb = floats(b, bOffset);
    aOffset = floatBase(a, ha, aOffset, dim);
    bOffset = floatBase(b, hb, bOffset, dim);
    FloatVector dot = FloatVector.zero(F), na = dot, nb = dot;
    int lanes = F.length(), i = 0;
    for (int bound = dim - lanes; i <= bound; i += lanes) {
      FloatVector x = loadF(a, ha, aOffset, i), y = loadF(b, hb, bOffset, i);
      dot = x.fma(y, dot);
      na = x.fma(x, na);
      nb = y.fma(y, nb);
    }
    float d = sumLanes(dot);
    float sa = sumLanes(na);
    float sb = sumLanes(nb);
    for (; i < dim; i++) {
      float x = getF(a, ha, aOffset, i), y = getF(b, hb, bOffset, i);
      d = Math.fma(x, y, d);
      sa = Math.fma(x, x, sa);
      sb = Math.fma(y, y, sb);
    }
    return Kernels.cosineFromParts(d, sa, sb);
  }

  /** Products are formed in 16-bit lanes and added into int lanes as {@link #bulkBody} explains. */
  @Override
  public int dotI8(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dim) {
    byte[] ha = bytes(a), hb = bytes(b);
    long ab = byteBase(a, ha, aOffset, dim), bb = byteBase(b, hb, bOffset, dim);
    IntVector sum = IntVector.zero(I), high = sum;
    int step = B.length(), i = 0, vectors = 0;
    for (int bound = dim - step; i <= bound; i += step, vectors++) {
      IntVector x = biased(widen(a, ha, ab + i).mul(widen(b, hb, bb + i)));
      sum = sum.add(x);
      high = high.add(x.lanewise(VectorOperators.LSHR, 16));
    }
    return total(sum, high, vectors) + ScalarKernels.INSTANCE.dotI8(a, aOffset + i, b, bOffset + i, dim - i);
  }

  /** Scores two code vectors per pass, sharing the loads of the widened query (see {@link #bulkBody}). */
  @Override
  public void bulkDotI8(Int8Query query, MemorySegment codes, long codesOffset, int count, int[] out) {
    int dim = query.dim();
    Kernels.checkBulk(codes, codesOffset, dim, count, out);
    int vectorized = dim - dim % B.length();
    byte[] hc = bytes(codes);
    long base = byteBase(codes, hc, codesOffset, (long) dim * count);
    short[] widened = query.widened();
    bulkBody(widened, vectorized, codes, hc, base, dim, count, out);
    int halves = dim - (dim - vectorized) % HB.length();
    if (halves > vectorized) {
      for (int v = 0; v < count; v++) {
        out[v] += halfDot(widened, vectorized, halves, codes, hc, base + (long) v * dim);
      }
    }
    if (halves < dim) {
      MemorySegment q = query.codeSegment();
      for (int v = 0; v < count; v++) {
        out[v] += ScalarKernels.INSTANCE.dotI8(q, halves, codes, codesOffset + (long) v * dim + halves, dim - halves);
      }
    }
  }

  /**
   * Dimensions {@code [from, to)} of one code vector (at {@code base}, as in {@link #widen}) against the
   * widened query, half a vector at a time; each 16-bit product is widened to an int lane before adding.
   */
  private static int halfDot(short[] q, int from, int to, MemorySegment codes, byte[] heap, long base) {
    int sum = 0;
    for (int i = from; i < to; i += HB.length()) {
      ByteVector c = heap != null ? ByteVector.fromArray(HB, heap, (int) (base + i))
          : ByteVector.fromMemorySegment(HB, codes, base + i, LE);
      ShortVector products = ShortVector.fromArray(HS, q, i).mul(c.convertShape(VectorOperators.B2S, HS, 0));
      sum += ((IntVector) products.convertShape(VectorOperators.S2I, I, 0)).reduceLanes(VectorOperators.ADD);
    }
    return sum;
  }

  /**
   * Dot products of the widened query with the vectorizable prefix of each code vector, two vectors per
   * pass. An odd last vector is paired with itself rather than given a loop of its own: a separate tail
   * loop runs rarely, and once compiled it measured two to four times slower per page than this one.
   *
   * <p>Two 16-bit products are added in a 16-bit lane (|p| <= 2 * 127 * 127 = 32258), and the sums are
   * added into int lanes without widening each: XOR 0x8000 makes every 16-bit sum an unsigned
   * {@code p + 32768}, so each int lane reads {@code high * 65536 + low} with both halves unsigned. Adding
   * whole lanes ({@code sum}) and their high halves ({@code high}) gives {@code sum - (high << 16)} =
   * the sum of the low halves (mod 2^32, like any int dot product); see {@link #total}. That is one shift
   * per lane where sign-extending both halves takes three, and the shift port is the one the multiplies use.
   */
  private static void bulkBody(short[] q, int vectorized, MemorySegment codes, byte[] heap, long codesOffset, int dim,
      int count, int[] out) {
    int step = B.length();
    for (int v = 0; v < count; v += 2) {
      boolean pair = v + 1 < count;
      long base0 = codesOffset + (long) v * dim, base1 = pair ? base0 + dim : base0;
      IntVector sum0 = IntVector.zero(I), high0 = sum0, sum1 = sum0, high1 = sum0;
      int i = 0, vectors = 0;
      for (int bound = vectorized - 2 * step; i <= bound; i += 2 * step, vectors++) {
        ShortVector q0 = ShortVector.fromArray(S, q, i), q1 = ShortVector.fromArray(S, q, i + step);
        IntVector x0 = biased(q0.mul(widen(codes, heap, base0 + i)).add(q1.mul(widen(codes, heap, base0 + i + step))));
        IntVector x1 = biased(q0.mul(widen(codes, heap, base1 + i)).add(q1.mul(widen(codes, heap, base1 + i + step))));
        sum0 = sum0.add(x0);
        high0 = high0.add(x0.lanewise(VectorOperators.LSHR, 16));
        sum1 = sum1.add(x1);
        high1 = high1.add(x1.lanewise(VectorOperators.LSHR, 16));
      }
      if (i < vectorized) {
        ShortVector q0 = ShortVector.fromArray(S, q, i);
        IntVector x0 = biased(q0.mul(widen(codes, heap, base0 + i)));
        IntVector x1 = biased(q0.mul(widen(codes, heap, base1 + i)));
        sum0 = sum0.add(x0);
        high0 = high0.add(x0.lanewise(VectorOperators.LSHR, 16));
        sum1 = sum1.add(x1);
        high1 = high1.add(x1.lanewise(VectorOperators.LSHR, 16));
        vectors++;
      }
      out[v] = total(sum0, high0, vectors);
      if (pair) {
        out[v + 1] = total(sum1, high1, vectors);
      }
    }
  }

  /** 16-bit sums as unsigned {@code p + 32768}, two per int lane. */
  private static IntVector biased(ShortVector products) {
    return products.lanewise(VectorOperators.XOR, (short) 0x8000).reinterpretAsInts();
  }

  /**
   * The dot product from the lanes' wrapped sums and their summed high halves, over {@code vectors} biased
   * vectors: low halves {@code sum - (high << 16)}, plus the high halves, less the 32768 bias of both
   * halves of every lane of every vector.
   */
  private static int total(IntVector sum, IntVector high, int vectors) {
    IntVector low = sum.sub(high.lanewise(VectorOperators.LSHL, 16));
    return low.add(high).reduceLanes(VectorOperators.ADD) - vectors * I.length() * 2 * 32768;
  }

  /**
   * Lane {@code index} on of a vector: from {@code heap} (then {@code base} is an array index) when it is
   * not null, else from native segment {@code s} (then {@code base} is a byte offset).
   */
  private static FloatVector loadF(MemorySegment s, float[] heap, long base, int index) {
    return heap != null ? FloatVector.fromArray(F, heap, (int) base + index)
        : FloatVector.fromMemorySegment(F, s, base + (long) index * Float.BYTES, LE);
  }

  private static float getF(MemorySegment s, float[] heap, long base, int index) {
    return heap != null ? heap[(int) base + index] : s.get(ScalarKernels.FLOAT_LE, base + (long) index * Float.BYTES);
  }

  /** The float array behind a heap segment, if {@code offset} is float-aligned in it; else null. */
  private static float[] floats(MemorySegment s, long offset) {
    if (!s.isNative() && s.heapBase().orElse(null) instanceof float[] f && ((s.address() + offset) & 3) == 0
        && ScalarKernels.FLOAT_LE.order() == ByteOrder.nativeOrder()) {
      return f;
    }
    return null;
  }

  /**
   * For a heap array, the array index of byte {@code offset} of the segment; else the offset itself.
   * Checks that {@code dim} floats from {@code offset} lie inside the segment (array loads would only
   * check the array, which may be larger than a slice).
   */
  private static long floatBase(MemorySegment s, float[] heap, long offset, int dim) {
    java.util.Objects.checkFromIndexSize(offset, (long) dim * Float.BYTES, s.byteSize());
    return heap != null ? (s.address() + offset) / Float.BYTES : offset;
  }

  /** The byte array behind a heap segment, else null. */
  private static byte[] bytes(MemorySegment s) {
    return !s.isNative() && s.heapBase().orElse(null) instanceof byte[] b ? b : null;
  }

  /** For a heap array, the array index of byte {@code offset} of the segment (bounds checked); else the offset. */
  private static long byteBase(MemorySegment s, byte[] heap, long offset, long length) {
    java.util.Objects.checkFromIndexSize(offset, length, s.byteSize());
    return heap != null ? s.address() + offset : offset;
  }

  /** Bytes from {@code heap} at array index {@code base} if it is not null, else from native {@code s}, as shorts. */
  private static ShortVector widen(MemorySegment s, byte[] heap, long base) {
    ByteVector v = heap != null ? ByteVector.fromArray(B, heap, (int) base) : ByteVector.fromMemorySegment(B, s, base,
        LE);
    return (ShortVector) v.convertShape(VectorOperators.B2S, S, 0);
  }

  /**
   * The scalar rule lane by lane: the largest magnitude by vector maxima, then each code as
   * {@code (int) (x + copySign(0.5, x))} clamped to [-127, 127] (a float-to-int conversion truncates as the
   * cast does). The JIT does not vectorize the scalar loop (its float-to-byte narrowing); {@code ./aeon bench
   * kernels} times both ({@code quantize}, {@code quantize_scalar}).
   */
  @Override
  public float quantizeI8(float[] v, byte[] codes) {
    Int8Quantizer.checkLengths(v, codes);
    int n = v.length, lanes = F.length(), i = 0;
    FloatVector max = FloatVector.zero(F);
    for (int bound = n - lanes; i <= bound; i += lanes) {
      max = max.max(FloatVector.fromArray(F, v, i).abs());
    }
    float maxAbs = max.reduceLanes(VectorOperators.MAX);
    for (; i < n; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(v[i]));
    }
    if (maxAbs == 0f) {
      java.util.Arrays.fill(codes, (byte) 0);
      return 0f;
    }
    float inverse = Int8Quantizer.MAX_CODE / maxAbs;
    FloatVector half = FloatVector.broadcast(F, 0.5f), minusHalf = FloatVector.broadcast(F, -0.5f);
    i = 0;
    for (int bound = n - lanes; i <= bound; i += lanes) {
      FloatVector x = FloatVector.fromArray(F, v, i).mul(inverse);
      // copySign(0.5, x): the sign bit decides, so -0.0 takes -0.5 as the scalar rule does.
      FloatVector rounding = half.blend(minusHalf, x.test(VectorOperators.IS_NEGATIVE));
      IntVector c = (IntVector) x.add(rounding).convert(VectorOperators.F2I, 0);
      c = c.max(-Int8Quantizer.MAX_CODE).min(Int8Quantizer.MAX_CODE);
      c.convertShape(VectorOperators.I2B, QB, 0).reinterpretAsBytes().intoArray(codes, i);
    }
    for (; i < n; i++) {
      codes[i] = Int8Quantizer.code(v[i] * inverse);
    }
    return maxAbs / Int8Quantizer.MAX_CODE;
  }

  /**
   * Eight sketches at a time (with 512-bit vectors): word {@code w} of eight consecutive sketches is one
   * load in the word-major layout, ANDed with the query's four broadcast bit planes and counted lane by lane
   * ({@code vpopcntq} where the CPU has it); the estimates are finished in float lanes. A block's partial
   * last group (a leaf's last page is seldom full) is scored whole and stored under a mask where the stride
   * allows it; otherwise, and for heap segments, the remaining sketches go to the scalar loop (mapped files
   * are the hot path; see the class comment on mixing segment kinds).
   */
  @Override
  public void sketchScores(SketchQuery query, MemorySegment blocks, long offset, SketchBlocks layout, int count,
      float[] out) {
    Kernels.checkSketches(query, blocks, offset, layout, count, out);
    int lanes = L.length(), words = layout.words(), stride = layout.stride(), factorBytes = layout.factorBytes();
    boolean vectors = blocks.isNative();
    // A group of lanes never crosses a word row when the stride is a multiple of the lanes, so a block's
    // last, partial group can be scored whole and stored under a mask, if the whole block is in the segment.
    boolean wholeGroups = stride % lanes == 0;
    FloatVector low = FloatVector.broadcast(LF, query.low()), step = FloatVector.broadcast(LF, query.step());
    FloatVector base = FloatVector.broadcast(LF, query.centerDot()), sum = FloatVector.broadcast(LF, query.sum());
    for (int first = 0; first < count; first += stride, offset += layout.blockBytes()) {
      int n = Math.min(stride, count - first), v = 0;
      boolean whole = wholeGroups && offset + layout.blockBytes() <= blocks.byteSize();
      for (; vectors && (v + lanes <= n || whole && v < n); v += lanes) {
        LongVector ones = LongVector.zero(L), p0 = ones, p1 = ones, p2 = ones, p3 = ones;
        long at = offset + factorBytes + 8L * v;
        for (int w = 0; w < words; w++, at += 8L * stride) {
          LongVector b = LongVector.fromMemorySegment(L, blocks, at, LE);
          ones = ones.add(b.lanewise(VectorOperators.BIT_COUNT));
          p0 = p0.add(b.and(query.plane(w, 0)).lanewise(VectorOperators.BIT_COUNT));
          p1 = p1.add(b.and(query.plane(w, 1)).lanewise(VectorOperators.BIT_COUNT));
          p2 = p2.add(b.and(query.plane(w, 2)).lanewise(VectorOperators.BIT_COUNT));
          p3 = p3.add(b.and(query.plane(w, 3)).lanewise(VectorOperators.BIT_COUNT));
        }
        LongVector weighted = p0.add(p1.lanewise(VectorOperators.LSHL, 1)).add(p2.lanewise(VectorOperators.LSHL, 2))
            .add(p3.lanewise(VectorOperators.LSHL, 3));
        // estimate = centerDot + factor * (2 * (low * ones + step * weighted) - sum), lane by lane
        FloatVector overSet = ((FloatVector) ones.convertShape(VectorOperators.L2F, LF, 0)).mul(low)
            .add(((FloatVector) weighted.convertShape(VectorOperators.L2F, LF, 0)).mul(step));
        FloatVector factors = FloatVector.fromMemorySegment(LF, blocks, offset + layout.factorOffset(v), LE);
        FloatVector estimates = overSet.add(overSet).sub(sum).mul(factors).add(base);
        if (v + lanes <= n) {
          estimates.intoArray(out, first + v);
        } else {
          estimates.intoArray(out, first + v, LF.indexInRange(v, n));
        }
      }
      ScalarKernels.INSTANCE.sketchBlock(query, blocks, offset, layout, v, n, out, first);
    }
  }
}
