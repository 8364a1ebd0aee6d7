package dev.aeon.fuzz.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.aeon.engine.Aeon;
import dev.aeon.engine.AeonOptions;
import dev.aeon.engine.Durability;
import dev.aeon.engine.ExportCounts;
import dev.aeon.engine.Memory;
import dev.aeon.engine.Remember;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Arbitrary or damaged bytes as an export file ({@link Aeon#importNamespace}): an import either reads the
 * file whole or refuses it with an {@link UncheckedIOException} that names the file, having written
 * nothing; never another exception. Inputs are arbitrary bytes or a real export with some bytes changed or cut.
 * Regression mode runs in the normal build; {@code JAZZER_FUZZ=1} fuzzes.
 */
class ExportFileFuzzTest {

  private static final Path DIR;
  private static final Aeon AEON;
  private static final byte[] VALID;
  /** The namespace imports go into; a new one after each import that went in. */
  private static int namespace;

  static {
    try {
      DIR = Files.createTempDirectory("aeon-export-fuzz");
      AEON = Aeon.open(DIR.resolve("memory"), AeonOptions.defaults().withDurability(Durability.OFF));
      VALID = validExport();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  static void cleanUp() throws IOException {
    AEON.close();
    try (Stream<Path> all = Files.walk(DIR)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @FuzzTest(maxDuration = "60s")
  void exportFilesAreReadWholeOrRefused(FuzzedDataProvider data) throws IOException {
    byte[] file;
    if (data.consumeBoolean()) {
      file = VALID.clone();
      int edits = data.consumeInt(1, 8);
      for (int i = 0; i < edits; i++) {
        file[data.consumeInt(0, file.length - 1)] = data.consumeByte();
      }
      if (data.consumeBoolean()) {
        file = Arrays.copyOf(file, data.consumeInt(0, file.length));
      }
    } else {
      file = data.consumeRemainingAsBytes();
    }
    check(file);
  }

  /**
   * The valid export reads whole; cut anywhere before its last newline (between two lines too, which only its end
   * line tells) it is refused; a byte of it changed, it is read or refused.
   */
  @Test
  void cutsAndChangesOfAValidExportAreReadOrRefused() throws IOException {
    assertEquals(new ExportCounts(3, 2), check(VALID));
    for (int at = 0; at < VALID.length; at += 7) {
      ExportCounts cut = check(Arrays.copyOf(VALID, at));
      assertTrue(cut == null || at == VALID.length - 1, "cut at " + at + " of " + VALID.length + " was read");
      byte[] changed = VALID.clone();
      changed[at] ^= 0x21;
      check(changed);
    }
  }

  /** Imports {@code bytes}; the counts if it went in, null if it was refused with nothing written. */
  private static ExportCounts check(byte[] bytes) throws IOException {
    Path file = Files.write(DIR.resolve("export.jsonl"), bytes);
    String name = "n" + namespace;
    try {
      ExportCounts counts = AEON.importNamespace(name, file);
      AEON.closeNamespace(name); // its files and threads: thousands of imports go in during a run
      namespace++;
      return counts;
    } catch (UncheckedIOException e) {
      assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
      assertEquals(0, AEON.namespace(name).stats().events(), "a refused file wrote events: " + e.getMessage());
      return null;
    }
  }

  private static byte[] validExport() throws IOException {
    Path source = DIR.resolve("source");
    Path file = DIR.resolve("valid.jsonl");
    try (Aeon aeon = Aeon.open(source, AeonOptions.defaults().withDurability(Durability.OFF))) {
      Memory m = aeon.memory();
      long a = m.remember(Remember.event("s", "user", "hello").vector(new float[] {1, 0, 0}, "axes-3")
          .attribute("n", 1L).attribute("x", 0.5).attribute("ok", true).attribute("name", "Ana"));
      long b = m.remember(Remember.event("s", "assistant", "hi").vector(new float[] {0, 1, 0}, "axes-3"));
      long c = m.remember(Remember.event("t", "tool", "no vector").withoutVector());
      m.link(b, "REPLIES_TO", a, Long.MIN_VALUE, Long.MAX_VALUE);
      m.link(c, "MENTIONS", a, 10, 20);
      aeon.exportNamespace("default", file);
    }
    return Files.readAllBytes(file);
  }
}
