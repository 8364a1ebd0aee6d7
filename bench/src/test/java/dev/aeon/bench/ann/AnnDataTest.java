package dev.aeon.bench.ann;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure parsers of the ANN benchmark's data sets: IDX images and WordNet glosses. */
class AnnDataTest {

  @Test
  void readsIdxImagesAsUnsignedPixels() throws IOException {
    byte[] file = idx(0x803, 2, 2, 3, new byte[] {0, 1, 2, (byte) 255, (byte) 128, 7, 9, 10, 11, 12, 13, 14});
    float[][] images = IdxImages.read(new ByteArrayInputStream(file), "test");
    assertEquals(2, images.length);
    assertArrayEquals(new float[] {0, 1, 2, 255, 128, 7}, images[0]);
    assertArrayEquals(new float[] {9, 10, 11, 12, 13, 14}, images[1]);
  }

  @Test
  void rejectsWrongMagicAndTruncatedIdx() {
    IOException magic = assertThrows(IOException.class,
        () -> IdxImages.read(new ByteArrayInputStream(idx(0x801, 1, 1, 1, new byte[1])), "labels"));
    assertTrue(magic.getMessage().contains("magic"), magic.getMessage());
    IOException cut = assertThrows(IOException.class,
        () -> IdxImages.read(new ByteArrayInputStream(idx(0x803, 3, 2, 2, new byte[9])), "short"));
    assertTrue(cut.getMessage().contains("truncated after 2 of 3"), cut.getMessage());
  }

  @Test
  void extractsGlossesAndSkipsTheLicenceHeader() throws IOException {
    String data = """
          1 This software and database is being provided to you, the LICENSEE, by \s
          2 Princeton University under the following license. | not a gloss \s
        00001740 03 n 01 entity 0 003 ~ 00001930 n 0000 ~ 00002137 n 0000 ~ 04431553 n 0000 | that which is \
        perceived or known or inferred to have its own distinct existence (living or nonliving) \s
        00002137 03 n 02 abstraction 0 abstract_entity 0 010 @ 00001740 n 0000 | a general concept formed by \
        extracting common features from specific examples \s
        00003000 03 n 01 nothing 0 000 |  \s
        """;
    List<String> glosses = WordNetGlosses.readAll(new BufferedReader(new StringReader(data)));
    assertEquals(List.of(
        "that which is perceived or known or inferred to have its own distinct existence (living or nonliving)",
        "a general concept formed by extracting common features from specific examples"), glosses);
    assertNull(WordNetGlosses.gloss("  3 and/or copying this software | x"));
  }

  @Test
  void normalisesRowsToUnitLengthAndLeavesZeroRows() {
    float[][] rows = Dataset.normalise(new float[][] {{3, 4}, {0, 0}});
    assertArrayEquals(new float[] {0.6f, 0.8f}, rows[0], 1e-6f);
    assertArrayEquals(new float[] {0, 0}, rows[1]);
  }

  private static byte[] idx(int magic, int count, int rows, int cols, byte[] pixels) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(magic);
      out.writeInt(count);
      out.writeInt(rows);
      out.writeInt(cols);
      out.write(pixels);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return bytes.toByteArray();
  }
}
