package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aeon.common.testing.FileSizeLimit;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How an import's namespace is put in place ({@link ImportPublisher}) when the namespace it would replace was written
 * meanwhile: the import is refused, and says so.
 */
class ImportPublisherTest {

  private static final AeonOptions ONLY_THE_LAST_CHECKPOINT =
      AeonOptions.defaults().withCheckpoints(1L << 40, Duration.ofDays(1));

  @TempDir Path dir;

  /**
   * A namespace written and then closed while an import into it ran is opened again to see that it still holds no
   * event; it holds one, so it is closed again and the import refused. Here the device is full (the process's file
   * size limit) at both closes: the first close's last checkpoint failed, so the second, of the namespace replayed
   * from its log, checkpoints it and fails too. That failure replaced the refusal: the import threw "checkpoint at
   * close of namespace 'race' failed" alone, which did not say that the import had been refused, nor why. The
   * refusal is thrown, the close's failure suppressed in it, and the event is kept (its log holds it).
   *
   * <p>The device is full only from the look's open to its close: an open on a device already full fails first
   * (its blob arena is extended), and the import then fails for that, as another test shows. The open here is
   * Aeon's, followed by the limit.
   */
  @Test
  void aRefusalForAWriteMeanwhileIsNotReplacedByTheFailedCloseOfTheNamespaceWritten() throws Throwable {
    assumeTrue(FileSizeLimit.supported(), "the file size limit is Linux's");
    MemoryDirectory directory = MemoryDirectory.open(dir, d -> d);
    FileSizeLimit[] full = {null};
    try (BackgroundThreads threads = new BackgroundThreads()) {
      OpenNamespaces namespaces = new OpenNamespaces(directory, ONLY_THE_LAST_CHECKPOINT, threads);
      namespaces.namespace("race", true).remember(Remember.event("s", "user", "theirs"));
      try (FileSizeLimit limit = FileSizeLimit.of(1)) {
        assertThrows(UncheckedIOException.class, () -> namespaces.closeNamespace("race")); // as idle, say
      }
      ImportPublisher publisher = new ImportPublisher(directory, namespaces, (name, files) -> {
        DurableMemory opened = DurableMemory.open(name, files, ONLY_THE_LAST_CHECKPOINT, threads);
        try {
          full[0] = FileSizeLimit.of(1);
        } catch (Throwable t) {
          throw new IllegalStateException(t);
        }
        return opened;
      });
      IllegalStateException refused;
      try {
        // Refused before its rename: no namespace need have been built
        refused = assertThrows(IllegalStateException.class,
            () -> publisher.publish("race", dir.resolve("built"), true));
      } finally {
        if (full[0] != null) {
          full[0].close();
        }
      }
      assertEquals("namespace 'race' was written by another caller while the import ran: it is left as it is, and"
          + " the import was discarded", refused.getMessage());
      assertEquals(1, refused.getSuppressed().length, refused::toString);
      assertEquals("checkpoint at close of namespace 'race' failed", refused.getSuppressed()[0].getMessage());
      assertEquals(1, namespaces.namespace("race", false).stats().events(), "the event written meanwhile is lost");
      namespaces.closeAll(List.of());
    } finally {
      directory.release();
    }
  }
}
