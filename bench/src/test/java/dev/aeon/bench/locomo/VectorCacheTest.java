package dev.aeon.bench.locomo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.bench.locomo.VectorCache.Purpose;
import dev.aeon.common.TextEmbedder;
import dev.aeon.common.io.CorruptFileException;
import dev.aeon.common.io.FormatTooNewException;
import dev.aeon.common.io.FormatTooOldException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VectorCacheTest {

  /** A deterministic fake model that counts how many texts it embedded. */
  static final class CountingEmbedder implements TextEmbedder {
    final AtomicInteger embedded = new AtomicInteger();

    @Override
    public String model() {
      return "fake/model";
    }

    @Override
    public int dimension() {
      return 3;
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
      embedded.addAndGet(texts.size());
      List<float[]> out = new ArrayList<>();
      for (String t : texts) {
        out.add(new float[] {t.length(), t.hashCode() % 7, 1});
      }
      return out;
    }
  }

  @Test
  void secondCallReadsTheCacheInsteadOfTheModel(@TempDir Path dir) throws IOException {
    CountingEmbedder model = new CountingEmbedder();
    VectorCache cache = new VectorCache(dir);
    List<String> texts = List.of("alpha", "beta", "gamma");
    List<float[]> first = cache.vectors(model, Purpose.PASSAGE, texts);
    List<float[]> second = cache.vectors(model, Purpose.PASSAGE, texts);
    assertEquals(3, model.embedded.get());
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(first.get(i), second.get(i));
    }
    cache.vectors(model, Purpose.QUERY, texts);
    cache.vectors(model, Purpose.PASSAGE, List.of("alpha", "beta"));
    assertEquals(8, model.embedded.get(), "another purpose or other texts are other keys");
    try (var files = Files.list(dir)) {
      assertEquals(3, files.filter(f -> f.toString().endsWith(".vec")).count());
    }
  }

  @Test
  void keysSeparateTextBoundaries() {
    byte[] a = VectorCache.key("m", Purpose.PASSAGE, List.of("ab", "c"));
    byte[] b = VectorCache.key("m", Purpose.PASSAGE, List.of("a", "bc"));
    assertTrue(!java.util.Arrays.equals(a, b));
  }

  @Test
  void everyFlippedBitIsDetected(@TempDir Path dir) throws IOException {
    byte[] key = VectorCache.key("m", Purpose.PASSAGE, List.of("x", "y"));
    Path file = dir.resolve("v.vec");
    VectorCache.write(file, key, "m", List.of(new float[] {1, 2}, new float[] {3, 4}));
    byte[] good = Files.readAllBytes(file);
    for (int at = 0; at < good.length; at++) {
      byte[] bad = good.clone();
      bad[at] ^= 0x10;
      Files.write(file, bad);
      int offset = at;
      assertThrows(CorruptFileException.class, () -> VectorCache.read(file, key), "flip at " + offset);
    }
    Files.write(file, java.util.Arrays.copyOf(good, good.length - 1));
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> VectorCache.read(file, key));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  @Test
  void otherVersionsAreNamedAsSuch(@TempDir Path dir) throws IOException {
    byte[] key = VectorCache.key("m", Purpose.PASSAGE, List.of("x"));
    Path file = dir.resolve("v.vec");
    VectorCache.write(file, key, "m", List.of(new float[] {1}));
    rewriteVersion(file, VectorFileLayout.VERSION + 1);
    assertThrows(FormatTooNewException.class, () -> VectorCache.read(file, key));
    rewriteVersion(file, VectorFileLayout.VERSION - 1);
    assertThrows(FormatTooOldException.class, () -> VectorCache.read(file, key));
  }

  @Test
  void aDamagedCacheFileIsRecomputedNotUsed(@TempDir Path dir) throws IOException {
    CountingEmbedder model = new CountingEmbedder();
    VectorCache cache = new VectorCache(dir);
    List<String> texts = List.of("one", "two");
    List<float[]> good = cache.vectors(model, Purpose.PASSAGE, texts);
    Path file;
    try (var files = Files.list(dir)) {
      file = files.findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(file);
    bytes[VectorFileLayout.HEADER_LENGTH + 1] ^= 1;
    Files.write(file, bytes);
    List<float[]> again = cache.vectors(model, Purpose.PASSAGE, texts);
    assertEquals(4, model.embedded.get());
    assertArrayEquals(good.get(1), again.get(1));
  }

  /** Sets the version field and fixes the header checksum, as another version of the code would write. */
  private static void rewriteVersion(Path file, int version) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    buf.putInt(VectorFileLayout.VERSION_OFFSET, version);
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, VectorFileLayout.HEADER_CRC_OFFSET);
    buf.putInt(VectorFileLayout.HEADER_CRC_OFFSET, (int) crc.getValue());
    Files.write(file, bytes);
  }
}
