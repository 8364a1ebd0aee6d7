package dev.aeon.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.testing.LoggedWarnings;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An automatic collection that fails with an Error: here an {@code InternalError}, the JVM's report of a
 * {@code SIGBUS} when the copy reads blobs of a mapped file that another process cut short. It ended its thread as an
 * uncaught exception, printed on standard error, without the back-off an exception sets, so every free past the
 * threshold started another that failed the same way. It is now handled as an I/O error is: warned of once, with its
 * stack trace, automatic collection backing off until the freed bytes double, and the arena goes on.
 */
class AutoGcOnErrorTest {

  private static final int BLOBS = 300;
  private static final int PAYLOAD = 1000;
  private static final int FREED = 100;
  /**
   * Where the file is cut: past the frames freed below, before the live frames past them, and a multiple of 64 KiB, so
   * that the pages of those live frames lie wholly past the end of the file whatever the machine's page size. Cut in
   * the middle of a page, the rest of that page reads as zeros, and with 64 KiB pages nothing faulted.
   */
  private static final int CUT = 128 * 1024;

  @TempDir
  Path dir;

  @Test
  void anErrorInAnAutomaticCollectionIsWarnedOfOnceAndBacksOff() throws Exception {
    List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((thread, e) -> uncaught.add(e));
    try (LoggedWarnings logged = LoggedWarnings.of(BlobArena.class);
        BlobArena arena = BlobArena.open(dir, BlobArenaOptions.defaults().withAutoGcMinBytes(0), null)) {
      for (int i = 1; i <= BLOBS; i++) {
        arena.append(new byte[PAYLOAD]);
      }
      arena.force();
      try (FileChannel file = FileChannel.open(dir.resolve("blobs-1.arena"), StandardOpenOption.WRITE)) {
        file.truncate(CUT);
      }
      for (int ref = 1; ref <= FREED; ref++) { // the garbage ratio passes 0.25 at the 75th free
        arena.free(ref);
        arena.awaitBackgroundGc();
      }
      assertEquals(List.of(), uncaught, "ended the collection's thread");
      List<String> warnings = logged.list();
      assertEquals(1, warnings.size(), () -> warnings.size() + " warnings: " + warnings);
      assertTrue(warnings.getFirst().startsWith("garbage collection in " + dir + " failed (in the background; the old"
          + " generation stays in use, and the next starts by itself once twice as many bytes are freed; the same"
          + " failure is not logged again): java.lang.InternalError"), warnings.getFirst());
      assertEquals(1, logged.thrown().size(), "without its stack trace");
      assertEquals(1, arena.stats().generation());
      try (Stream<Path> files = Files.list(dir)) {
        assertEquals(List.of("blobs-1.arena", "blobs.lock"), files.map(f -> f.getFileName().toString()).sorted()
            .toList(), "nothing left of the failed collections");
      }
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(before);
    }
  }

  /**
   * A collection the caller runs that fails with the same Error (thrown to it, not warned of) backs automatic
   * collection off as one that fails on an I/O error does: the next free past the threshold started one at once on
   * the same cut file, which failed the same way and was warned of.
   */
  @Test
  void anErrorInACollectionAskedForBacksAutomaticCollectionOff() throws Exception {
    try (LoggedWarnings logged = LoggedWarnings.of(BlobArena.class);
        BlobArena arena = BlobArena.open(dir, BlobArenaOptions.defaults().withAutoGcMinBytes(0), null)) {
      for (int i = 1; i <= BLOBS; i++) {
        arena.append(new byte[PAYLOAD]);
      }
      arena.force();
      for (int ref = 1; ref <= FREED / 2; ref++) { // below the threshold: no collection starts by itself
        arena.free(ref);
      }
      try (FileChannel file = FileChannel.open(dir.resolve("blobs-1.arena"), StandardOpenOption.WRITE)) {
        file.truncate(CUT);
      }
      assertThrows(InternalError.class, arena::gc);
      for (int ref = FREED / 2 + 1; ref < FREED; ref++) { // past the threshold at the 75th, not twice the 50 before
        arena.free(ref);
        arena.awaitBackgroundGc();
      }
      assertEquals(List.of(), logged.list(), "an automatic collection started before the freed bytes doubled");
      arena.free(FREED); // twice as many: the next starts, and fails as the file is still cut
      arena.awaitBackgroundGc();
      assertEquals(1, logged.list().size(), logged.list()::toString);
      assertEquals(1, arena.stats().generation());
    }
  }
}
