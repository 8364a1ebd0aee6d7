package dev.aeon.blob;

import dev.aeon.blob.format.ArenaHeader;
import dev.aeon.common.io.CorruptFileException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Read-only check of a generation file, for tools and fuzzing: never modifies the file. */
final class Verifier {

  private Verifier() {}

  static ArenaStats verify(Path file) throws IOException {
    long number = Generation.numberOf(file, false);
    if (number < 0) {
      throw new IllegalArgumentException(file + " is not named like a generation file (blobs-<n>.arena)");
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
      long size = ch.size();
      if (size < ArenaHeader.DATA_START) {
        throw new CorruptFileException(file, 0, "file of " + size + " bytes is shorter than the header");
      }
      MemorySegment data = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
      ArenaHeader.Commit commit = ArenaHeader.read(data, size, file, number);
      FrameScanner.Result r = FrameScanner.scan(data, commit.committedEnd(), file, ArenaHeader.version(data),
          (id, at, length) -> { });
      return new ArenaStats(number, r.liveBlobs(), r.liveBytes(), r.freeBlobs(), r.freeBytes(), size);
    }
  }
}
