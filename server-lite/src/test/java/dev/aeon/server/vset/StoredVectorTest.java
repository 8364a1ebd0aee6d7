package dev.aeon.server.vset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.server.vset.StoredVector.Quantization;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class StoredVectorTest {

  private static final float[] V = {3f, -4f, 0.5f, 12f, -0.001f};

  private static double norm(float[] v) {
    double s = 0;
    for (float f : v) {
      s += f * f;
    }
    return Math.sqrt(s);
  }

  @Test
  void f32KeepsTheFloatsExactly() {
    StoredVector s = StoredVector.decode(StoredVector.of(V, norm(V), Quantization.F32).encode(), "e");
    assertEquals(Quantization.F32, s.quantization());
    assertArrayEquals(V, s.vector());
    assertEquals(norm(V), s.norm(), 1e-5);
    assertEquals(V.length * 4, s.rawBlob().length);
  }

  @Test
  void q8IsWithinHalfAStepOfTheRange() {
    StoredVector s = StoredVector.decode(StoredVector.of(V, norm(V), Quantization.Q8).encode(), "e");
    assertEquals(Quantization.Q8, s.quantization());
    float[] back = s.vector();
    double step = s.range() * s.norm() / 127;
    for (int i = 0; i < V.length; i++) {
      assertEquals(V[i], back[i], step / 2 + 1e-6, "component " + i);
    }
    assertEquals(127, Math.abs(s.rawBlob()[3])); // the largest component takes the full code range
  }

  @Test
  void damagedValuesAreReportedWithTheElement() {
    String good = StoredVector.of(V, norm(V), Quantization.Q8).encode();
    byte[] b = Base64.getDecoder().decode(good);
    byte[] cut = java.util.Arrays.copyOf(b, b.length - 1);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> StoredVector.decode(Base64.getEncoder().encodeToString(cut), "apple"));
    assertTrue(e.getMessage().startsWith("the stored vector of element 'apple' is damaged"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> StoredVector.decode("not base64!", "x"));
    b[0] = 9;
    assertThrows(IllegalStateException.class, () -> StoredVector.decode(Base64.getEncoder().encodeToString(b), "x"));
  }
}
