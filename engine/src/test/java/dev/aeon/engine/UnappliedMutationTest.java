package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.engine.log.Mutation;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mutation logged and then refused by the stores ({@link MutationApplier#apply} returning false, which the
 * writer's checks under the same lock rule out: here a test hook makes it so). The writer went on as if it were
 * applied, so the stores were short of the log until the next open replayed it, or failed on it. Now the caller
 * gets an error naming the mutation, the namespace fails at once (no further write, no checkpoint of stores that
 * do not match the log), and the next {@code Aeon.namespace} reopens it from its files, holding what the log holds.
 */
class UnappliedMutationTest {

  @TempDir
  Path dir;

  @Test
  void aRememberTheStoresRefuseFailsTheCallAndTheReopenedNamespaceHoldsIt() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      DurableMemory m = (DurableMemory) aeon.memory();
      long first = m.remember(Remember.event("s", "user", "first").vector(TestVectors.unit(1)));
      m.applier().refusedForTests = Mutation.RememberEvent.class::isInstance;

      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> m.remember(Remember.event("s", "user", "second").vector(TestVectors.unit(2))));
      assertTrue(e.getMessage().contains("event " + (first + 1)), e.getMessage());
      assertTrue(e.getMessage().contains("nothing to apply"), e.getMessage());
      assertTrue(m.failed(), "the namespace failed at once");
      IllegalStateException next = assertThrows(IllegalStateException.class,
          () -> m.remember(Remember.event("s", "user", "third")));
      assertTrue(next.getMessage().contains("failed earlier"), next.getMessage());

      Memory reopened = aeon.memory();
      assertNotSame(m, reopened, "Aeon.namespace reopened it from its files");
      assertEquals(List.of("second", "first"), texts(reopened), "the log's record, replayed");
      assertEquals(List.of(), ((DurableMemory) reopened).inconsistencies());
    }
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      assertEquals(List.of("second", "first"), texts(aeon.memory()));
    }
  }

  @Test
  void aForgetTheStoresRefuseFailsTheCallAndTheReopenedNamespaceHasForgotten() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      DurableMemory m = (DurableMemory) aeon.memory();
      long kept = m.remember(Remember.event("s", "user", "kept"));
      long forgotten = m.remember(Remember.event("s", "user", "forgotten"));
      m.applier().refusedForTests = Mutation.ForgetEvent.class::isInstance;

      IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.forget(forgotten));
      assertTrue(e.getMessage().contains("forget of event " + forgotten), e.getMessage());
      assertTrue(m.failed(), "the namespace failed at once");

      Memory reopened = aeon.memory();
      assertNotSame(m, reopened);
      assertFalse(reopened.get(forgotten).isPresent(), "the logged forget, replayed");
      assertEquals("kept", reopened.get(kept).orElseThrow().text());
    }
  }

  private static List<String> texts(Memory m) {
    return m.history("s", 10).stream().map(Event::text).toList();
  }
}
