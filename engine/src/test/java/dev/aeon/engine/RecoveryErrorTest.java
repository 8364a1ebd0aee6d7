package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An open whose recovery fails with an Error closes the stores it opened, as one that fails with an exception does.
 * The Error is real: the namespace's blob arena cut short under its mapping by another writer of the file while the
 * log is replayed (a {@code SIGBUS}, which the JVM throws as an {@code InternalError}).
 */
class RecoveryErrorTest {

  /** Nothing checkpointed after the first write: a backup then holds records to replay, as after a crash. */
  private static final AeonOptions NO_CHECKPOINTS = AeonOptions.defaults().withCheckpoints(1L << 40,
      Duration.ofDays(1));

  @TempDir Path dir;

  /**
   * The Error left the log locked (and the arena's directory, and every mapping) until the JVM exited: each later open
   * said "the WAL is already open for writing (by this or another process)" instead of what the files hold.
   */
  @Test
  void anOpenWhoseReplayFailsWithAnErrorLeavesNothingOpen() throws IOException {
    Path copy = dir.resolve("copy");
    try (Aeon aeon = Aeon.open(dir.resolve("memory"), NO_CHECKPOINTS)) {
      for (int i = 0; i < 20; i++) {
        aeon.memory().remember(Remember.event("s", "user", "text " + i));
      }
      aeon.backup(Aeon.DEFAULT_NAMESPACE, copy);
    }
    Path ns = copy.resolve("ns").resolve(Aeon.DEFAULT_NAMESPACE);
    boolean[] cut = {false};
    TransferProgress cutAtTheFirstRecord = (step, done, total) -> {
      if (step == TransferProgress.Step.REPLAYING && !cut[0]) {
        cut[0] = true;
        try (FileChannel arena = FileChannel.open(ns.resolve("blobs").resolve("blobs-1.arena"),
            StandardOpenOption.WRITE)) {
          arena.truncate(0);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
    try (BackgroundThreads threads = new BackgroundThreads()) {
      assertThrows(InternalError.class,
          () -> DurableMemory.open(Aeon.DEFAULT_NAMESPACE, ns, NO_CHECKPOINTS, threads, cutAtTheFirstRecord));
      assertTrue(cut[0]);
      RuntimeException again = assertThrows(RuntimeException.class,
          () -> DurableMemory.open(Aeon.DEFAULT_NAMESPACE, ns, NO_CHECKPOINTS, threads));
      String trace = trace(again);
      assertFalse(trace.contains("already open"), trace);
      assertTrue(trace.contains("file of 0 bytes is shorter than the header"), trace);
    }
  }

  private static String trace(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
