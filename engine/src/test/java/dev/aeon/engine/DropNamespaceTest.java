package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Aeon#dropNamespace}: every file of the namespace goes, the others stay, and its name can be used again. */
class DropNamespaceTest {

  @TempDir Path dir;

  @Test
  void aDroppedNamespaceLeavesNoFileAndComesBackEmpty() throws IOException {
    String secret = "tenant secret " + System.nanoTime();
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory dropped = aeon.namespace("tenant-a");
      for (int i = 0; i < 30; i++) {
        dropped.remember(Remember.event("s", "user", secret + " " + i).vector(TestVectors.unit(i)));
      }
      dropped.checkpoint();
      Memory kept = aeon.namespace("tenant-b");
      kept.remember(Remember.event("s", "user", "kept").vector(TestVectors.unit(1)));
      assertFalse(ForgetLeavesNoTraceTest.filesContaining(dir, secret).isEmpty(),
          "the texts are on disk before the drop");

      assertTrue(aeon.dropNamespace("tenant-a"));
      assertEquals(List.of(), ForgetLeavesNoTraceTest.filesContaining(dir, secret),
          "files still holding the dropped namespace's texts");
      assertFalse(Files.exists(dir.resolve("ns").resolve("tenant-a")));
      assertEquals(List.of("tenant-b"), aeon.namespaceNames());
      IllegalStateException stale = assertThrows(IllegalStateException.class, dropped::stats);
      assertTrue(stale.getMessage().contains("dropped"), stale.getMessage());
      assertFalse(aeon.dropNamespace("tenant-a"), "already gone");
      assertFalse(aeon.dropNamespace("never-made"));

      assertEquals(0, aeon.namespace("tenant-a").stats().events(), "its name makes a new, empty namespace");
      aeon.namespace("tenant-a").remember(Remember.event("s", "user", "new").vector(TestVectors.unit(2)));
      assertEquals(1, kept.stats().events());
    }
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      assertEquals("new", aeon.namespace("tenant-a").history("s", 10).getFirst().text());
      assertEquals("kept", aeon.namespace("tenant-b").history("s", 10).getFirst().text());
      assertTrue(aeon.dropNamespace("tenant-b"), "a namespace that is not open is dropped too");
      assertEquals(List.of("tenant-a"), aeon.namespaceNames());
    }
    try (Stream<Path> scratch = Files.list(dir.resolve("tmp"))) {
      assertEquals(0, scratch.count(), "what was dropped is deleted, not only moved aside");
    }
  }

  @Test
  void aWriterOfADroppedNamespaceIsToldSo() throws Exception {
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
         Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      CompletableFuture<Integer> writer = CompletableFuture.supplyAsync(() -> {
        int written = 0;
        try (NamespaceLease lease = aeon.lease("busy")) {
          while (true) { // until the drop stops it
            lease.memory().remember(Remember.event("s", "user", "w" + written).vector(TestVectors.unit(written)));
            written++;
          }
        } catch (IllegalStateException e) {
          assertTrue(e.getMessage().contains("namespace 'busy' is closed"), e.getMessage());
          return written;
        }
      }, threads);
      while (aeon.openNamespaceNames().isEmpty() || aeon.namespace("busy").stats().events() < 20) {
        Thread.sleep(5);
      }
      assertTrue(aeon.dropNamespace("busy"));
      assertTrue(writer.get(60, TimeUnit.SECONDS) >= 20);
      assertEquals(0, aeon.namespace("busy").stats().events(),
          "no write of the dropped namespace reached its successor");
    }
  }

  /**
   * A caller's interrupt does not fail its drop: the directories were forced on the caller's thread, whose
   * interrupt closed the channel after the rename (ClosedByInterruptException), and the drop threw although the
   * namespace was gone, its closed instance left for every later namespace(name) to hand out.
   */
  @Test
  void anInterruptedCallerDropsANamespaceAndCanUseItsNameAgain() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      aeon.namespace("tenant").remember(Remember.event("s", "user", "gone").vector(TestVectors.unit(1)));
      Thread.currentThread().interrupt();
      try {
        assertTrue(aeon.dropNamespace("tenant"));
        assertTrue(Thread.interrupted(), "the caller's interrupt is kept");
      } finally {
        Thread.interrupted();
      }
      assertFalse(aeon.exists("tenant"));
      assertEquals(0, aeon.namespace("tenant").stats().events(), "its name makes a new, empty namespace");
    }
  }

  /**
   * A drop that cannot move the namespace's files out of {@code ns/} keeps the namespace, closed: the next
   * namespace(name) opens it again from its files, instead of handing out the closed instance for good.
   */
  @Test
  void aNamespaceWhoseDropFailedIsOpenedAgainByTheNextCall() throws IOException {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.namespace("tenant");
      long id = m.remember(Remember.event("s", "user", "kept").vector(TestVectors.unit(1)));
      Path scratch = dir.resolve("tmp");
      if (Files.isDirectory(scratch)) {
        Stores.deleteTree(scratch);
      }
      Files.writeString(scratch, "in the way"); // the drop's directory cannot be made there
      assertThrows(java.io.UncheckedIOException.class, () -> aeon.dropNamespace("tenant"));
      Files.delete(scratch);
      assertTrue(aeon.exists("tenant"));
      assertEquals("kept", aeon.namespace("tenant").get(id).orElseThrow().text());
    }
  }
}
