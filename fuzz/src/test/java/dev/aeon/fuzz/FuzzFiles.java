package dev.aeon.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** File helpers the fuzz targets share. */
public final class FuzzFiles {

  /** Where fuzz targets make their files: in memory where the machine has a tmpfs, as each input writes files. */
  private static final Path TEMP = Files.isWritable(Path.of("/dev/shm")) ? Path.of("/dev/shm")
      : Path.of(System.getProperty("java.io.tmpdir"));

  private FuzzFiles() {}

  /** A new empty directory whose name begins with {@code prefix}, in memory where the machine allows. */
  public static Path tempDirectory(String prefix) throws IOException {
    return Files.createTempDirectory(TEMP, prefix);
  }

  /** Deletes {@code dir} and everything under it; nothing if it does not exist. */
  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
