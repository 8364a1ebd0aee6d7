package dev.aeon.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aeon.blob.format.Frames;
import dev.aeon.common.testing.FailingLog;
import dev.aeon.common.testing.FileSizeLimit;
import dev.aeon.common.testing.LoggedWarnings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A device too full for a collection's new file (here the process's file size limit, which fails the file's
 * growth with an I/O error as a full device does). Every free past the garbage threshold started another
 * background collection that failed the same way and logged a warning: 36 for the 60 frees here. Now a
 * collection that fails on something other than damage is warned of once, and automatic collection backs off:
 * the next starts by itself once the freed bytes have doubled, or after a collection that succeeded.
 */
class AutoGcOnFullDeviceTest {

  private static final int BLOBS = 100;
  private static final int PAYLOAD = 100;
  /** Above every frame of the arena's first MiB, below its end, where a new generation's file must reach. */
  private static final long LIMIT = 512 << 10;

  @TempDir
  Path dir;

  private BlobArena filled() throws Exception {
    BlobArena arena = BlobArena.open(dir, BlobArenaOptions.defaults().withAutoGcMinBytes(0), null);
    for (int i = 1; i <= BLOBS; i++) {
      assertEquals(i, arena.append(new byte[PAYLOAD]));
    }
    arena.force();
    return arena;
  }

  /** Frees refs {@code from} to {@code to}, each followed by the collection it may have started. */
  private static void free(BlobArena arena, int from, int to) throws InterruptedException {
    for (int ref = from; ref <= to; ref++) {
      arena.free(ref);
      arena.awaitBackgroundGc();
    }
  }

  @Test
  void collectionsThatFailOnAFullDeviceAreWarnedOfOnceAndBackOff() throws Throwable {
    assumeTrue(FileSizeLimit.supported(), "the file size limit is Linux's");
    try (LoggedWarnings logged = LoggedWarnings.of(BlobArena.class); BlobArena arena = filled()) {
      try (FileSizeLimit full = FileSizeLimit.of(LIMIT)) {
        free(arena, 1, 60); // the garbage ratio passes 0.25 at the 25th free
      }
      List<String> warnings = logged.list();
      assertEquals(1, warnings.size(), () -> "one warning for a full device; the first of " + warnings.size()
          + ": " + warnings.getFirst());
      assertTrue(warnings.getFirst().contains("File too large"), warnings.getFirst());
      assertEquals(1, arena.stats().generation());
      // the new file failed to grow: it was left there, empty, until the next collection or open
      assertEquals(List.of("blobs-1.arena", "blobs.lock"), fileNames(), "nothing left of the failed collections");

      assertEquals(2, arena.gc().toGeneration(), "a collection asked for runs, and with room, succeeds");
      free(arena, 61, 70); // 10 of the 40 left: past the threshold again at the 10th
      assertEquals(3, arena.stats().generation(), "automatic collection runs again after one that succeeded");
      assertEquals(1, logged.list().size(), logged.list().toString());
    }
  }

  private List<String> fileNames() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void automaticCollectionResumesOnceTheFreedBytesHaveDoubled() throws Throwable {
    assumeTrue(FileSizeLimit.supported(), "the file size limit is Linux's");
    try (LoggedWarnings logged = LoggedWarnings.of(BlobArena.class); BlobArena arena = filled()) {
      try (FileSizeLimit full = FileSizeLimit.of(LIMIT)) {
        free(arena, 1, 25);
      }
      assertEquals(1, logged.list().size(), logged.list().toString());
      assertEquals(25 * Frames.frameLength(PAYLOAD), arena.stats().freeBytes(), "the collection failed");
      free(arena, 26, 49); // room again, but fewer than twice the 25 frees of the failure
      assertEquals(1, arena.stats().generation(), "no collection before the freed bytes double");
      arena.free(50);
      arena.awaitBackgroundGc();
      assertEquals(2, arena.stats().generation());
      assertEquals(50, arena.stats().liveBlobs());
      assertEquals(1, logged.list().size(), logged.list().toString());
    }
  }

  /**
   * The warning of a failed automatic collection carries its stack trace, which says where it failed (it was the
   * line alone), and the first collection that succeeds after it says so, once.
   */
  @Test
  void aFailedCollectionIsWarnedOfWithItsStackTraceAndTheRecoveryOnce() throws Throwable {
    assumeTrue(FileSizeLimit.supported(), "the file size limit is Linux's");
    try (LoggedWarnings logged = LoggedWarnings.of(BlobArena.class); BlobArena arena = filled()) {
      try (FileSizeLimit full = FileSizeLimit.of(LIMIT)) {
        free(arena, 1, 25);
      }
      assertEquals(1, logged.list().size(), logged.list().toString());
      List<Throwable> thrown = logged.thrown();
      assertEquals(1, thrown.size(), "without its stack trace");
      assertEquals("File too large", thrown.getFirst().getCause().getMessage());
      assertTrue(logged.list().getFirst().startsWith("garbage collection in " + dir + " failed (in the background;"
          + " the old generation stays in use, and the next starts by itself once twice as many bytes are freed; the "
          + "same"
          + " failure is not logged again): java.io.UncheckedIOException: garbage collection in " + dir
          + ", caused by java.io.IOException: File too large"), logged.list().getFirst());
      free(arena, 26, 50); // twice the freed bytes of the failure: the next starts, with room
      assertEquals(2, arena.stats().generation());
      assertEquals(List.of("garbage collection in " + dir + " works again after 1 failed run"), logged.info());
    }
  }

  /**
   * A collection the caller runs that succeeds after automatic ones failed returns its result when the line that
   * says so cannot be logged (a log handler that throws; or memory run out again): it threw the handler's failure.
   */
  @Test
  void aCallersCollectionSucceedsWhenItsRecoveryCannotBeLogged() throws Throwable {
    assumeTrue(FileSizeLimit.supported(), "the file size limit is Linux's");
    try (BlobArena arena = filled()) {
      try (FailingLog broken = FailingLog.of(BlobArena.class)) {
        try (FileSizeLimit full = FileSizeLimit.of(LIMIT)) {
          free(arena, 1, 25); // the automatic collection fails, and so does its warning
        }
        assertEquals(1, arena.stats().generation());
        assertEquals(2, arena.gc().toGeneration());
      }
    }
  }

  /**
   * An automatic collection whose failure cannot be warned of (a log handler that throws; or memory run out again as
   * the line is made) ends its thread quietly, as a background checkpoint does: the handler's failure was uncaught,
   * printed on standard error with its stack trace. The next automatic collection still starts, and with room
   * succeeds.
   */
  @Test
  void anAutomaticCollectionWhoseWarningCannotBeLoggedEndsQuietly() throws Throwable {
    assumeTrue(FileSizeLimit.supported(), "the file size limit is Linux's");
    List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((thread, e) -> uncaught.add(e));
    try (BlobArena arena = filled(); FailingLog broken = FailingLog.of(BlobArena.class)) {
      try (FileSizeLimit full = FileSizeLimit.of(LIMIT)) {
        free(arena, 1, 25); // the automatic collection fails, and so does its warning
      }
      assertEquals(1, arena.stats().generation());
      free(arena, 26, 50); // twice the freed bytes of the failure: the next starts, with room
      assertEquals(2, arena.stats().generation(), "no automatic collection after the one that could not log");
      assertEquals(2, broken.threads().size(), "the failure's line and the recovery's, each on its collection's");
      for (Thread collection : broken.threads()) {
        collection.join(); // past its uncaught exception's handler, if it ended with one
      }
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(before);
    }
    assertEquals(List.of(), uncaught);
  }

  /**
   * A collection the caller runs that succeeds ends the record of the automatic ones' failures, as one of theirs
   * does: the log says that collection works again, and the same failure of an automatic collection after it is
   * warned of anew, with its stack trace.
   */
  @Test
  void aCallersCollectionThatSucceedsEndsTheAutomaticOnesFailures() throws Throwable {
    assumeTrue(FileSizeLimit.supported(), "the file size limit is Linux's");
    try (LoggedWarnings logged = LoggedWarnings.of(BlobArena.class); BlobArena arena = filled()) {
      try (FileSizeLimit full = FileSizeLimit.of(LIMIT)) {
        free(arena, 1, 25);
      }
      assertEquals(2, arena.gc().toGeneration());
      assertEquals(List.of("garbage collection in " + dir + " works again after 1 failed run"), logged.info());
      try (FileSizeLimit full = FileSizeLimit.of(LIMIT)) {
        free(arena, 26, 45); // past the threshold of the 75 left at the 19th
      }
      assertEquals(2, arena.stats().generation(), "no automatic collection ran, or it succeeded");
      assertEquals(2, logged.list().size(), logged.list().toString());
      assertEquals(2, logged.thrown().size(), "the failure after the success without its stack trace");
    }
  }

  /**
   * A collection asked for that fails on the full device backs automatic collection off as one that {@code free}
   * started does: the next free past the threshold started one at once, which found the device as full.
   */
  @Test
  void aCollectionAskedForThatFailsOnAFullDeviceBacksOffAutomaticCollection() throws Throwable {
    assumeTrue(FileSizeLimit.supported(), "the file size limit is Linux's");
    try (LoggedWarnings logged = LoggedWarnings.of(BlobArena.class); BlobArena arena = filled()) {
      free(arena, 1, 20); // below the threshold: no collection starts by itself
      try (FileSizeLimit full = FileSizeLimit.of(LIMIT)) {
        assertThrows(UncheckedIOException.class, arena::gc);
      }
      free(arena, 21, 39); // past the threshold at the 25th, but not twice the 20 of the failure
      assertEquals(1, arena.stats().generation(), "no collection before the freed bytes double");
      arena.free(40);
      arena.awaitBackgroundGc();
      assertEquals(2, arena.stats().generation());
      assertEquals(60, arena.stats().liveBlobs());
      assertEquals(List.of(), logged.list(), "the failure asked for was thrown to its caller, not warned of");
    }
  }
}
