package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.testing.Interrupting;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interrupts that arrive while a writer's mutation is being applied: a file channel that a thread uses
 * while it is interrupted closes for every thread (ClosedByInterruptException), which failed the namespace
 * until it was reopened. The stores now write out of reach of interrupts; a write whose wait for the log
 * was interrupted is applied (the caller is told it may not be durable yet), and nothing fails.
 */
class InterruptedWritersTest {

  private static final int WRITES = 1_500;
  private static final int HISTORY = 10_000;

  @TempDir
  Path dir;

  @Test
  void interruptsDuringWritesNeitherFailTheNamespaceNorLoseAWrite() throws Exception {
    Set<String> expected = new HashSet<>(); // remembered and not forgotten
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      DurableMemory m = (DurableMemory) aeon.memory();
      // many interrupts land inside the stores' writes
      int interrupts = Interrupting.runInterrupted(() -> {
        for (int i = 0; i < WRITES; i++) {
          String text = "event " + i + " " + "x".repeat(i % 700);
          remember(m, text);
          expected.add(text);
          if (i % 10 == 9) {
            expected.remove(forgetOldest(m));
          }
        }
      });
      assertTrue(interrupts >= 100, "interrupts sent: " + interrupts);
      assertFalse(m.failed(), "the namespace still takes writes");
      remember(m, "after the interrupts");
      expected.add("after the interrupts");
      assertEquals(expected, texts(m), "every event remembered and not forgotten is there, and only those");
      assertEquals(List.of(), m.inconsistencies());
    }
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      DurableMemory m = (DurableMemory) aeon.memory();
      assertEquals(expected, texts(m), "and after a reopen");
      assertEquals(List.of(), m.inconsistencies());
    }
  }

  /** Remembers {@code text}; a wait for the log cut short by an interrupt still leaves the event applied. */
  private static void remember(Memory m, String text) {
    try {
      m.remember(Remember.event("s", "user", text).vector(TestVectors.unit(text.hashCode())));
    } catch (UncheckedIOException e) {
      if (!(e.getCause() instanceof InterruptedIOException)) {
        throw e;
      }
    } finally {
      Thread.interrupted();
    }
  }

  /** Forgets the oldest event and returns its text; a wait for the log cut short leaves it forgotten. */
  private static String forgetOldest(Memory m) {
    Event oldest = m.history("s", HISTORY).getLast();
    try {
      assertTrue(m.forget(oldest.id()));
    } catch (UncheckedIOException e) {
      if (!(e.getCause() instanceof InterruptedIOException)) {
        throw e;
      }
    } finally {
      Thread.interrupted();
    }
    return oldest.text();
  }

  private static Set<String> texts(Memory m) {
    Set<String> texts = new HashSet<>();
    for (Event e : m.history("s", HISTORY)) {
      texts.add(e.text());
    }
    return texts;
  }
}
