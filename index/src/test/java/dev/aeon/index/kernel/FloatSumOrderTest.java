package dev.aeon.index.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A float product gives the same bits interpreted and compiled. The kernels summed their lanes with the Vector
 * API's {@code reduceLanes(ADD)}, whose Java fallback and C2 intrinsic add in different orders: the same product
 * changed in its last bit once the kernel was compiled, and with it a recall's scores and the order of two nearly
 * tied results, from one call to the next.
 */
class FloatSumOrderTest {

  private static final int DIM = 384;

  @Test
  void productsAreTheSameInterpretedAndCompiled() throws Exception {
    VectorKernels k = Kernels.best();
    float[][] v = vectors();
    float dot = 0, l2 = 0, cos = 0;
    for (int i = 0; i < 200_000; i++) { // compiled well before the last
      dot = k.dotF32(v[0], 0, v[1], 0, DIM);
      l2 = squaredL2(k, v);
      cos = cosine(k, v);
    }
    String compiled = bits(dot, l2, cos);
    assertEquals(compiled, interpretedInAChildJvm(), "kernel " + k.name());
  }

  /** Runs {@link Child} with {@code -Xint} (nothing compiled) and the flags this JVM has. */
  private static String interpretedInAChildJvm() throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-modules") || a.startsWith("--enable-native-access") || a.startsWith("-Daeon"))
        .toList());
    command.addAll(List.of("-Xint", "-cp", System.getProperty("java.class.path"), Child.class.getName()));
    Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child did not end");
    assertEquals(0, child.exitValue(), "the child failed: " + out);
    return out;
  }

  /** The other JVM: the same products, interpreted. */
  public static final class Child {
    public static void main(String[] args) {
      VectorKernels k = Kernels.best();
      float[][] v = vectors();
      System.out.println(bits(k.dotF32(v[0], 0, v[1], 0, DIM), squaredL2(k, v), cosine(k, v)));
    }
  }

  private static float[][] vectors() {
    Random r = new Random(3);
    float[][] v = new float[2][DIM];
    for (float[] x : v) {
      for (int i = 0; i < DIM; i++) {
        x[i] = (float) r.nextGaussian();
      }
    }
    return v;
  }

  private static float squaredL2(VectorKernels k, float[][] v) {
    return k.squaredL2F32(MemorySegment.ofArray(v[0]), 0, MemorySegment.ofArray(v[1]), 0, DIM);
  }

  private static float cosine(VectorKernels k, float[][] v) {
    return k.cosineF32(MemorySegment.ofArray(v[0]), 0, MemorySegment.ofArray(v[1]), 0, DIM);
  }

  private static String bits(float dot, float l2, float cos) {
    return Integer.toHexString(Float.floatToRawIntBits(dot)) + " " + Integer.toHexString(Float.floatToRawIntBits(l2))
        + " " + Integer.toHexString(Float.floatToRawIntBits(cos));
  }
}
