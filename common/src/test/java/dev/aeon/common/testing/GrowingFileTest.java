package dev.aeon.common.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The growing file's own checks: what the tests that read it find when the code they test behaves, and when it keeps
 * the file open without reading it to the end, the defect they would then be looking at.
 */
class GrowingFileTest {

  /** Far past any wait here: a helper that hangs fails its test once this is up instead of holding the build. */
  private static final Duration HANG = Duration.ofMinutes(2);

  @TempDir Path dir;

  @Test
  void aReaderThatClosesTheFileEndsTheWriter() throws Throwable {
    assumeTrue(GrowingFile.supported(), "named pipes are Linux's here");
    Path file = dir.resolve("grows");
    try (GrowingFile grows = GrowingFile.at(file, 32 << 20, (byte) 7)) {
      try (InputStream in = Files.newInputStream(file)) {
        assertEquals(7, in.readNBytes(100)[99]);
      }
      long written = assertTimeoutPreemptively(HANG, grows::written);
      assertFalse(written >= 32 << 20, written + " bytes written");
    }
    assertFalse(Files.exists(file));
  }

  /**
   * A reader that keeps the file open without reading it to the end (a read of the code under test that leaks its
   * channel) fails the test that waits for the writer, and lets the writer end: the writer waited for it in a full
   * pipe, and {@code written()} and {@code close()} waited for the writer, the test and the build with them, for good.
   */
  @Test
  void aReaderThatKeepsTheFileOpenFailsTheWaitInsteadOfHangingIt() throws Throwable {
    assumeTrue(GrowingFile.supported(), "named pipes are Linux's here");
    Path file = dir.resolve("grows");
    GrowingFile grows = GrowingFile.at(file, 32 << 20, (byte) 7);
    grows.readerWait = Duration.ofMillis(200);
    try (InputStream leaked = Files.newInputStream(file)) {
      assertEquals(7, leaked.readNBytes(100)[99]);
      AssertionError written =
          assertTimeoutPreemptively(HANG, () -> assertThrows(AssertionError.class, grows::written));
      assertEquals("the reader of " + file + " still has it open, unread, after " + Duration.ofMillis(200)
          + ": it was read to the end here so that the writer ends", written.getMessage());
      AssertionError closed = assertTimeoutPreemptively(HANG, () -> assertThrows(AssertionError.class, grows::close));
      assertEquals(written.getMessage(), closed.getMessage());
    }
    assertFalse(Files.exists(file));
  }
}
