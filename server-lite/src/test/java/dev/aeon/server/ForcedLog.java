package dev.aeon.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bytes of each file of a log's folder while every write in it is forced, to put back after a force failed: what
 * a failed fsync may do, as Linux drops the pages it could not write, so the log holds what was forced.
 */
final class ForcedLog {

  private final Map<Path, byte[]> files = new TreeMap<>();

  private ForcedLog() {}

  /** The files of {@code log} as they are now (every write so far acknowledged under SYNC, so forced). */
  static ForcedLog of(Path log) throws IOException {
    ForcedLog image = new ForcedLog();
    try (var list = Files.list(log)) {
      for (Path f : list.filter(Files::isRegularFile).toList()) {
        image.files.put(f, Files.readAllBytes(f));
      }
    }
    return image;
  }

  /** Writes the files back as they were. */
  void putBack() throws IOException {
    for (Map.Entry<Path, byte[]> f : files.entrySet()) {
      Files.write(f.getKey(), f.getValue());
    }
  }
}
