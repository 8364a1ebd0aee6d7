package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.aeon.common.io.CorruptFileException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A missing file is damage only when it is one the stores expect and its folder is there: a server keeps a
 * namespace reported damaged until it restarts, so a passing failure must not be reported as damage.
 */
class OpenFailuresTest {

  @TempDir
  Path dir;

  private RuntimeException missing(Path file) {
    return OpenFailures.of("ns", dir, new NoSuchFileException(file.toString()));
  }

  @Test
  void aDataFileGoneFromItsFolderIsDamage() {
    assertInstanceOf(CorruptFileException.class, missing(dir.resolve("events.trace")));
  }

  @Test
  void aTemporaryFileOrAFolderRemovedWhileOpeningIsAnIoFailure() {
    assertInstanceOf(UncheckedIOException.class, missing(dir.resolve("next.prealloc")));
    assertInstanceOf(UncheckedIOException.class, missing(dir.resolve("atlas.manifest.tmp")));
    assertInstanceOf(UncheckedIOException.class, missing(dir.resolve("gone").resolve("events.trace")));
  }
}
