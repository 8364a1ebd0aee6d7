package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.wal.HeldForces;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Memory#closedCleanly}: true only for an instance whose close left every event it showed in the namespace's
 * files, so that the next instance holds each of them under the same id (what lets the server's vector sets keep
 * the ids they read from an instance closed as idle); false while open, for one that failed, whose close failed, or
 * that was dropped.
 */
class ClosedCleanlyTest {

  @TempDir
  Path dir;

  @Test
  void aNamespaceClosedAsIdleClosedCleanlyAndItsNextInstanceHoldsItsEvents() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.namespace("agent");
      List<Long> ids = rememberSome(m, 20);
      assertFalse(m.closedCleanly(), "while open");
      assertEquals(List.of("agent"), aeon.closeIdleNamespaces(Duration.ZERO));
      assertTrue(m.closedCleanly());
      Memory next = aeon.namespace("agent");
      assertNotSame(m, next);
      assertAllThere(next, ids);
      assertFalse(next.closedCleanly(), "the next instance, open");
    }
  }

  /**
   * Under ASYNC and OFF a write returns before its force (OFF's log is forced only by a checkpoint or a close):
   * events written while every force is held are shown, not forced, when the close begins. The close forces the log
   * before its checkpoint, so it waits for the held force, and closed cleanly once the force goes through: the next
   * instance holds every event under its id.
   */
  @ParameterizedTest
  @EnumSource(value = Durability.class, names = {"ASYNC", "OFF"})
  void aNamespaceWhoseUnforcedWritesTheCloseForcedClosedCleanly(Durability durability) throws Exception {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withDurability(durability))) {
      DurableMemory m = (DurableMemory) aeon.namespace("agent");
      List<Long> ids;
      CompletableFuture<Boolean> closing;
      try (HeldForces forces = HeldForces.hold()) {
        ids = rememberSome(m, 20);
        assertTrue(m.durableLsn() < m.stats().lastLsn(), "the writes are forced already: nothing tested");
        closing = CompletableFuture.supplyAsync(() -> aeon.closeNamespace("agent"));
        assertTrue(forces.awaitAForceHeld(60), "no force held");
        assertFalse(m.closedCleanly(), "before the close's force went through");
        forces.release();
        assertTrue(closing.get(60, TimeUnit.SECONDS));
      }
      assertTrue(m.closedCleanly());
      assertAllThere(aeon.namespace("agent"), ids);
    }
  }

  /**
   * Under ASYNC and OFF, a log whose force fails as the namespace closes (a disk error) may have lost the unforced
   * writes: the instance did not close cleanly, and the next one holds what the log made durable.
   */
  @ParameterizedTest
  @EnumSource(value = Durability.class, names = {"ASYNC", "OFF"})
  void aNamespaceWhoseForceFailsAtCloseDidNotCloseCleanly(Durability durability) throws Exception {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withDurability(durability))) {
      DurableMemory m = (DurableMemory) aeon.namespace("agent");
      CompletableFuture<Boolean> closing;
      try (HeldForces forces = HeldForces.hold()) {
        rememberSome(m, 20);
        assertTrue(m.durableLsn() < m.stats().lastLsn(), "the writes are forced already: nothing tested");
        closing = CompletableFuture.supplyAsync(() -> aeon.closeNamespace("agent"));
        assertTrue(forces.awaitAForceHeld(60), "no force held");
        forces.fail();
        try {
          closing.get(60, TimeUnit.SECONDS); // the close's own force, or the syncer's before it, failed
        } catch (ExecutionException reported) {
          // a close whose checkpoint failed says so; the namespace is closed all the same
        }
      }
      assertFalse(m.closedCleanly());
      aeon.namespace("agent").remember(Remember.event("s", "user", "after")); // the next instance opens
    }
  }

  /** A namespace whose log failed under a write is reopened by the next call: the failed instance is not clean. */
  @Test
  void aNamespaceThatFailedDidNotCloseCleanly() throws Exception {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.namespace("agent");
      rememberSome(m, 3);
      try (HeldForces forces = HeldForces.hold()) {
        CompletableFuture<Long> lost = CompletableFuture.supplyAsync(() -> m.remember(Remember.event("s", "user",
            "lost")));
        assertTrue(forces.awaitAForceHeld(60), "no force held");
        forces.fail();
        assertThrows(ExecutionException.class, lost::get);
      }
      Memory next = aeon.namespace("agent"); // closes the failed instance and opens the namespace again
      assertNotSame(m, next);
      assertFalse(m.closedCleanly());
    }
  }

  /** A dropped namespace's files are deleted: its next instance holds nothing of it. */
  @Test
  void aDroppedNamespaceAndAnAbsentOneAreNotClean() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.namespace("agent");
      rememberSome(m, 3);
      assertTrue(aeon.dropNamespace("agent"));
      assertFalse(m.closedCleanly());
      assertFalse(aeon.reader("never").closedCleanly());
    }
  }

  private static List<Long> rememberSome(Memory m, int n) {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(m.remember(Remember.event("s", "user", "event " + i).vector(TestVectors.unit(i % 8))));
    }
    return ids;
  }

  private static void assertAllThere(Memory m, List<Long> ids) {
    for (int i = 0; i < ids.size(); i++) {
      assertEquals("event " + i, m.get(ids.get(i)).orElseThrow(() -> new AssertionError("an event is lost"))
          .text());
    }
    assertEquals(ids.size(), m.stats().events());
  }
}
