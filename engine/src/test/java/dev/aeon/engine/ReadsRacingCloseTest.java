package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.TextEmbedder;
import dev.aeon.common.io.Uninterruptibly;
import dev.aeon.common.testing.FailingLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read racing the close of its namespace either runs on open stores to its end or is refused with the
 * namespace's own "closed": it never meets the stores closing under it ({@link ReadGate}). Before, a read that
 * passed its check just before a close failed half way with a store's error ("the index ... is closed", "blob
 * arena ... is closed", an Arena's "Already closed"); a few reads in every hundred closes under readers did.
 */
class ReadsRacingCloseTest {

  private static final int EVENTS = 50;

  @TempDir Path dir;

  /** A read inside the gate when the close begins: the close waits for it, and it reads everything. */
  @Test
  void aCloseWaitsForTheReadsThatBeganBeforeIt() throws Exception {
    try (ExecutorService threads = Executors.newFixedThreadPool(2);
         Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.namespace("n");
      fill(m);
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<List<Recalled>> read = heldRead(m, release, threads, // the index, the trace and the arena
          () -> m.recall(Recall.vector(TestVectors.unit(7), 5).slb(false)));
      CompletableFuture<Boolean> close = CompletableFuture.supplyAsync(() -> aeon.closeNamespace("n"), threads);
      awaitMarkedClosed(m);
      awaitWaitingForReaders();
      release.countDown();
      List<Recalled> hits = read.get(30, TimeUnit.SECONDS);
      assertEquals(5, hits.size(), "the read that began before the close");
      assertEquals("event 7", hits.getFirst().event().text());
      assertTrue(close.get(30, TimeUnit.SECONDS));
      assertEquals(EVENTS, aeon.namespace("n").history("s", EVENTS).size());
    }
  }

  /**
   * While a close waits for a read of its namespace, another namespace opens: before, the close ran inside the
   * namespaces' map's lock for its name, which a name of the same bin shares, and that open waited for the read.
   */
  @Test
  void aCloseWaitingForAReadHoldsUpNoOtherNamespace() throws Exception {
    try (ExecutorService threads = Executors.newFixedThreadPool(3);
         Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.namespace("n");
      fill(m);
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<Optional<Event>> read = heldRead(m, release, threads, () -> m.get(1));
      CompletableFuture<Boolean> close = CompletableFuture.supplyAsync(() -> aeon.closeNamespace("n"), threads);
      awaitWaitingForReaders();
      String neighbour = sameMapBin("n");
      try {
        CompletableFuture<Long> other = CompletableFuture.supplyAsync(
            () -> aeon.namespace(neighbour).remember(Remember.event("s", "user", "meanwhile")), threads);
        assertEquals(1L, other.get(30, TimeUnit.SECONDS), "the open of " + neighbour + " waited for the close");
      } finally {
        release.countDown();
      }
      assertTrue(read.get(30, TimeUnit.SECONDS).isPresent());
      assertTrue(close.get(30, TimeUnit.SECONDS));
    }
  }

  /**
   * A read that stays inside the gate holds back what the namespace retires meanwhile (here the blob arena's old
   * generation after a compaction, and its old mappings as it grew); the namespace's stats say how much, and it
   * is freed once the read ends. Before, nothing but a warning in the log after a minute said so.
   */
  @Test
  void whatALongReadHoldsBackIsCountedInTheStatsAndFreedWhenItEnds() throws Exception {
    try (ExecutorService threads = Executors.newFixedThreadPool(1);
         Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.namespace("n");
      fill(m);
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<Optional<Event>> read = heldRead(m, release, threads, () -> m.get(1));
      for (int i = 0; i < 2_000; i++) { // past the arena's first 1 MiB: it grows, retiring its smaller mapping
        m.forget(m.remember(Remember.event("s", "user", "filler " + i + " " + "x".repeat(1_000))));
      }
      m.compact(); // frees the forgotten texts and collects the arena: its old generation is retired
      long held = m.stats().retiredNotFreed();
      assertTrue(held > 0, "nothing counted as held back");
      release.countDown();
      assertEquals("event 0", read.get(30, TimeUnit.SECONDS).orElseThrow().text());
      for (long deadline = System.nanoTime() + 30_000_000_000L; m.stats().retiredNotFreed() > 0; Thread.sleep(5)) {
        assertTrue(System.nanoTime() < deadline, "still held back after the read ended: " + m.stats());
      }
    }
  }

  /** A name in the same bin as {@code name} of a small ConcurrentHashMap (its spread hash's low 6 bits). */
  private static String sameMapBin(String name) {
    for (int i = 0; ; i++) {
      String candidate = "x" + i;
      if (((spread(candidate.hashCode()) ^ spread(name.hashCode())) & 63) == 0) {
        return candidate;
      }
    }
  }

  private static int spread(int h) {
    return (h ^ (h >>> 16)) & 0x7fffffff;
  }

  /**
   * A recall by text whose query is still being embedded when the close ends is refused as closed, and reads no
   * closed store: the embedder runs outside the gate (it may take long, and must not hold a close).
   */
  @Test
  void aRecallStillEmbeddingItsQueryWhenTheCloseEndsIsRefusedAsClosed() throws Exception {
    CountDownLatch embedding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    TextEmbedder held = new EmbeddingModelTest.UnnamedEmbedder() {
      @Override
      public float[] embedQuery(String query) {
        if (query.equals("held")) {
          embedding.countDown();
          Uninterruptibly.await(release::await);
        }
        return TestVectors.unit(query.hashCode());
      }
    };
    try (ExecutorService threads = Executors.newSingleThreadExecutor();
         Aeon aeon = Aeon.open(dir, EngineTest.options().withEmbedder(held))) {
      Memory m = aeon.namespace("n");
      fill(m);
      CompletableFuture<List<Recalled>> recall =
          CompletableFuture.supplyAsync(() -> m.recall(Recall.text("held", 5)), threads);
      embedding.await();
      assertTrue(aeon.closeNamespace("n"));
      release.countDown();
      ExecutionException failed = assertThrows(ExecutionException.class, () -> recall.get(30, TimeUnit.SECONDS));
      assertEquals("namespace 'n' is closed; Aeon.namespace(\"n\") opens it again", failed.getCause().getMessage(),
          failed.getCause()::toString);
    }
  }

  /**
   * A close that has waited its time for a read, and cannot warn of it (a log handler that throws, or memory run out
   * as the line is made), closes the stores all the same: the warning's failure was thrown before the stores' close,
   * which never ran, so the namespace's log stayed locked and the next {@code namespace(name)} could not open it.
   */
  @Test
  void aCloseWhoseWarningOfAReadCannotBeLoggedClosesTheStoresAllTheSame() throws Exception {
    try (ExecutorService threads = Executors.newFixedThreadPool(2);
         Aeon aeon = Aeon.open(dir, EngineTest.options());
         FailingLog broken = FailingLog.of(ReadGate.class)) {
      Memory m = aeon.namespace("n");
      fill(m);
      ((DurableMemory) m).readGate().readersTimeout = Duration.ZERO; // the 2 minutes are up at once
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<Optional<Event>> read = heldRead(m, release, threads, () -> m.get(1));
      CompletableFuture<Boolean> close = CompletableFuture.supplyAsync(() -> aeon.closeNamespace("n"), threads);
      while (broken.threads().isEmpty() && !close.isDone()) {
        Thread.sleep(1);
      }
      release.countDown(); // it fails now, as the warning says (or, if the stores are not closed yet, reads them)
      read.handle((event, failure) -> null).get(30, TimeUnit.SECONDS);
      assertTrue(close.get(30, TimeUnit.SECONDS));
      assertEquals(EVENTS, aeon.namespace("n").history("s", EVENTS).size(), "the namespace did not open again");
    }
  }

  private static void fill(Memory m) {
    for (int i = 0; i < EVENTS; i++) {
      m.remember(Remember.event("s", "user", "event " + i).vector(TestVectors.unit(i)));
    }
  }

  /**
   * Starts {@code read} of {@code m} on one of {@code threads} and returns once it is inside the gate, where it
   * waits for {@code release}.
   */
  private static <T> CompletableFuture<T> heldRead(Memory m, CountDownLatch release, ExecutorService threads,
      Supplier<T> read) throws InterruptedException {
    CountDownLatch inside = new CountDownLatch(1);
    ReadGate gate = ((DurableMemory) m).readGate();
    gate.insideForTests = () -> {
      gate.insideForTests = null; // that read only
      inside.countDown();
      Uninterruptibly.await(release::await);
    };
    CompletableFuture<T> future = CompletableFuture.supplyAsync(read, threads);
    inside.await();
    return future;
  }

  /** Until the close has marked the namespace closed (it may then wait for reads before closing the stores). */
  private static void awaitMarkedClosed(Memory m) throws InterruptedException {
    while (true) {
      try {
        m.get(1);
      } catch (IllegalStateException closed) {
        return;
      }
      Thread.sleep(1);
    }
  }

  /**
   * Until a thread waits for readers to leave the stores' epochs: with the gate, the close before it closes any
   * store; without it, the stores' own close (the epochs close last), after the index and the trace had closed.
   */
  private static void awaitWaitingForReaders() throws InterruptedException {
    while (Thread.getAllStackTraces().values().stream().flatMap(java.util.Arrays::stream).noneMatch(
        f -> f.getClassName().equals(dev.aeon.common.ebr.Epochs.class.getName())
            && f.getMethodName().equals("awaitReclaimed"))) {
      Thread.sleep(1);
    }
  }
}
