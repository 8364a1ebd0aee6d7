package dev.aeon.fuzz.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.aeon.common.io.CorruptFileException;
import dev.aeon.common.io.FormatTooNewException;
import dev.aeon.engine.EmbeddingModelRecords;
import dev.aeon.fuzz.FuzzFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Arbitrary or damaged bytes as a namespace's {@code embedding-model} record, which opening the namespace reads:
 * it is either refused with a {@link CorruptFileException} naming the file (a {@link FormatTooNewException} for a
 * later version's first line), or read as a model whose vectors the engine takes and whose record the engine
 * writes as exactly these bytes (only what the writer writes is read). Inputs are arbitrary bytes, a real record
 * with some bytes changed or cut, or a record of any name with its checksum computed, so that the damage reaches
 * past the checksum. Regression mode runs in the normal build; {@code JAZZER_FUZZ=1} fuzzes.
 */
class EmbeddingModelFileFuzzTest {

  /** Shared memory where there is some: each check writes two files. */
  private static final Path DIR;
  private static final byte[] VALID;

  static {
    try {
      DIR = FuzzFiles.tempDirectory("aeon-model-fuzz");
      Files.createDirectories(DIR.resolve("read"));
      Files.createDirectories(DIR.resolve("written"));
      EmbeddingModelRecords.write(DIR.resolve("written"), "sentence-transformers/all-MiniLM-L6-v2 q8");
      VALID = Files.readAllBytes(DIR.resolve("written").resolve(EmbeddingModelRecords.FILE));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  static void cleanUp() throws IOException {
    FuzzFiles.deleteTree(DIR);
  }

  @FuzzTest(maxDuration = "60s")
  void recordsAreReadAsWrittenOrRefused(FuzzedDataProvider data) throws IOException {
    byte[] file;
    switch (data.consumeInt(0, 2)) {
      case 0 -> {
        file = VALID.clone();
        int edits = data.consumeInt(1, 4);
        for (int i = 0; i < edits; i++) {
          file[data.consumeInt(0, file.length - 1)] = data.consumeByte();
        }
        if (data.consumeBoolean()) {
          file = java.util.Arrays.copyOf(file, data.consumeInt(0, file.length + 8));
        }
      }
      case 1 -> file = withChecksum(data.consumeBoolean() ? "aeon embedding-model 1" : data.consumeString(30),
          data.consumeRemainingAsString());
      default -> file = data.consumeRemainingAsBytes();
    }
    check(file);
  }

  @Test
  void theValidRecordIsRead() throws IOException {
    check(VALID);
  }

  /** A record as the writer lays it out, of any first line and name, with the name's checksum. */
  private static byte[] withChecksum(String firstLine, String model) {
    CRC32C crc = new CRC32C();
    crc.update(model.getBytes(StandardCharsets.UTF_8));
    return (firstLine + "\n" + model + "\ncrc32c " + HexFormat.of().toHexDigits((int) crc.getValue()) + "\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static void check(byte[] file) throws IOException {
    Path read = DIR.resolve("read");
    Path written = DIR.resolve("written");
    Files.write(read.resolve(EmbeddingModelRecords.FILE), file);
    String model;
    try {
      model = EmbeddingModelRecords.read(read);
    } catch (CorruptFileException | FormatTooNewException e) {
      assertTrue(e.getMessage().contains(EmbeddingModelRecords.FILE), "the error names no file: " + e.getMessage());
      return;
    }
    // The engine must take vectors of the model it read: a name it would refuse refuses every vector.
    Files.deleteIfExists(written.resolve(EmbeddingModelRecords.FILE));
    assertDoesNotThrow(() -> EmbeddingModelRecords.write(written, model),
        "read a model whose vectors the engine refuses: '" + model + "'");
    assertArrayEquals(file, Files.readAllBytes(written.resolve(EmbeddingModelRecords.FILE)),
        "read a record the engine does not write, as '" + model + "'");
  }
}
