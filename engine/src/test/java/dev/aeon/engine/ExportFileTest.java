package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.testing.SmallDevice;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An export's file is whole or absent ({@link ExportFile}): written under a temporary name and put in place when
 * whole, never over a file someone else made meanwhile. ({@link ExportCrashTest} kills an export part way.)
 */
class ExportFileTest {

  @TempDir Path dir;

  @Test
  void aFileMadeUnderTheExportsNameMeanwhileIsLeftAsItIsAndTheExportRefused() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("out"));
    Path file = folder.resolve("agent.jsonl");
    try (Aeon aeon = Aeon.open(dir.resolve("memory"), EngineTest.options())) {
      aeon.memory().remember(Remember.event("s", "user", "first").withoutVector());
      aeon.memory().remember(Remember.event("s", "user", "second").withoutVector());
      UncheckedIOException e = assertThrows(UncheckedIOException.class,
          () -> aeon.exportNamespace(Aeon.DEFAULT_NAMESPACE, file, (step, done, total) -> {
            if (step == TransferProgress.Step.EVENTS && done == 1) {
              try {
                Files.writeString(file, "someone else's");
              } catch (IOException io) {
                throw new UncheckedIOException(io);
              }
            }
          }));
      assertInstanceOf(FileAlreadyExistsException.class, e.getCause(), e.toString());
      assertEquals("export of namespace 'default' failed: " + file + ": was made by someone else while the export"
          + " ran: it is left as it is, and the export deleted", e.getMessage());
      Path missing = folder.resolve("missing").resolve("agent.jsonl");
      e = assertThrows(UncheckedIOException.class, () -> aeon.exportNamespace(Aeon.DEFAULT_NAMESPACE, missing));
      assertEquals("export of namespace 'default' failed: " + missing + ": its folder does not exist", e.getMessage());
    }
    assertEquals("someone else's", Files.readString(file));
    assertEquals(List.of(file), list(folder), "the export's temporary file is deleted");
  }

  /**
   * A file name as long as the file system allows (255 bytes here, in characters of two bytes) is exported: the
   * temporary name, which adds a dot, a random part and a suffix to it, is cut to stay within the limit.
   */
  @Test
  void aFileWithTheLongestNameTheFileSystemAllowsIsExported() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("out"));
    Path file = folder.resolve("é".repeat(124) + "x.jsonl"); // 248 + 7 bytes of UTF-8
    Files.writeString(file, "the file system takes the name");
    Files.delete(file);
    try (Aeon aeon = Aeon.open(dir.resolve("memory"), EngineTest.options())) {
      aeon.memory().remember(Remember.event("s", "user", "first").withoutVector());
      aeon.exportNamespace(Aeon.DEFAULT_NAMESPACE, file);
    }
    assertTrue(Files.readString(file).contains("\"first\""), "the export is whole under its name");
    assertEquals(List.of(file), list(folder), "the export's temporary file is deleted");
  }

  /** A full device ({@link SmallDevice}: skipped where a tmpfs cannot be mounted) fails the export part way. */
  @Test
  void anExportThatCannotBeWrittenWholeLeavesNothingInItsFolder() throws Exception {
    try (SmallDevice device = SmallDevice.mount(dir.resolve("fs"), 1);
         Aeon aeon = Aeon.open(dir.resolve("memory"), EngineTest.options())) {
      for (int n = 0; n < 40; n++) { // 2 MB of texts for a 1 MB device
        aeon.memory().remember(Remember.event("s", "user", n + "x".repeat(50_000)).withoutVector());
      }
      Path file = device.root().resolve("agent.jsonl");
      UncheckedIOException e = assertThrows(UncheckedIOException.class,
          () -> aeon.exportNamespace(Aeon.DEFAULT_NAMESPACE, file));
      assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
      assertEquals(List.of(), list(device.root()));
    }
  }

  private static List<Path> list(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(p -> !p.getFileName().toString().equals("lost+found")).toList();
    }
  }
}
