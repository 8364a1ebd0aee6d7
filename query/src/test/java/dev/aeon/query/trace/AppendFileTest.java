package dev.aeon.query.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An append file keeps every record, in order, while its buffer grows from nothing to its largest (a record as
 * large as the largest buffer included), and refuses a larger record.
 */
class AppendFileTest {

  @TempDir Path dir;

  @Test
  void recordsOfEverySizeUpToTheLargestBufferAreKeptInOrder() throws Exception {
    Path path = dir.resolve("meta.trace");
    SplittableRandom random = new SplittableRandom(11);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    int[] sizes = {1, 7, 4095, 4096, 4097, 100, 9000, 65536, 3, 20000, 65536, 65536, 1};
    try (AppendFile f = AppendFile.open(path, "test", 0, -1)) {
      assertThrows(IllegalArgumentException.class, () -> f.reserve(65537));
      for (int round = 0; round < 3; round++) {
        for (int size : sizes) {
          byte[] record = new byte[size];
          random.nextBytes(record);
          f.reserve(size).put(record);
          expected.write(record);
          assertEquals(FileHeader.LENGTH + expected.size(), f.length());
        }
        assertEquals(FileHeader.LENGTH + expected.size(), f.writeBuffered());
      }
    }
    try (AppendFile f = AppendFile.open(path, "test", 0, FileHeader.LENGTH + expected.size());
         Arena arena = Arena.ofConfined()) {
      assertArrayEquals(expected.toByteArray(), f.map(arena).toArray(ValueLayout.JAVA_BYTE));
    }
  }
}
