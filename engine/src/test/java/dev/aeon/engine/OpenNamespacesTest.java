package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry of open namespaces ({@link OpenNamespaces}) when a namespace's open fails. */
class OpenNamespacesTest {

  @TempDir Path dir;

  /**
   * An open that fails with an Error (an InternalError: the blob arena cut short under its mapping while the log is
   * replayed, as {@code RecoveryErrorTest} makes real) leaves no usage record behind, and above all no lease: a lease
   * whose open threw one was never released, so that the namespace, once it opened, counted as leased for good and
   * {@code closeIdleNamespaces} never closed it; and a plain use kept its usage record. Exceptions did neither.
   */
  @Test
  void anOpenThatFailsWithAnErrorLeavesNoUsageRecordAndNoLease() {
    AeonOptions options = EngineTest.options();
    MemoryDirectory directory = MemoryDirectory.open(dir, d -> d);
    try (BackgroundThreads threads = new BackgroundThreads()) {
      boolean[] failNext = {false};
      OpenNamespaces namespaces = new OpenNamespaces(directory, options, threads, (name, files) -> {
        if (failNext[0]) {
          failNext[0] = false;
          throw new InternalError("a fault occurred in an unsafe memory access operation");
        }
        return DurableMemory.open(name, files, options, threads);
      });
      failNext[0] = true;
      assertThrows(InternalError.class, () -> namespaces.namespace("used", true));
      assertEquals(0, namespaces.usageRecords(), "the failed use's usage record is kept");

      failNext[0] = true;
      assertThrows(InternalError.class, () -> namespaces.lease("leased", true));
      assertEquals(0, namespaces.usageRecords(), "the failed lease's usage record is kept");
      namespaces.lease("leased", true).close();
      assertEquals(List.of("leased"), namespaces.closeIdle(Duration.ZERO),
          "the lease of the failed open still holds the namespace");
      namespaces.closeAll(List.of());
    } finally {
      directory.release();
    }
  }
}
