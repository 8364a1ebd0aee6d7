package dev.aeon.common.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/** Looks for bytes in files: what a forget, a drop or an erasure must leave nowhere. */
public final class FileBytes {

  private FileBytes() {}

  /** The first index of {@code part} in {@code all}, or -1. */
  public static int indexOf(byte[] all, byte[] part) {
    for (int i = 0; i + part.length <= all.length; i++) {
      if (Arrays.equals(all, i, i + part.length, part, 0, part.length)) {
        return i;
      }
    }
    return -1;
  }

  /** The regular files under {@code dir}, at any depth, relative to it and sorted, that hold {@code needle}. */
  public static List<Path> filesContaining(Path dir, byte[] needle) throws IOException {
    List<Path> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        if (indexOf(Files.readAllBytes(f), needle) >= 0) {
          found.add(dir.relativize(f));
        }
      }
    }
    return found;
  }
}
