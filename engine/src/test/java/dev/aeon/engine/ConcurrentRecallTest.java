package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 15 readers recall while one writer remembers and forgets: no reader fails, and no result contains
 * an event whose forget had returned before the recall started.
 */
class ConcurrentRecallTest {

  @TempDir
  Path dir;

  @Test
  void readersNeverFailNorSeeForgottenEvents() throws Exception {
    long seed = Long.getLong("aeon.test.seed", System.nanoTime());
    System.out.println("ConcurrentRecallTest seed " + seed);
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withDurability(Durability.OFF))) {
      Memory m = aeon.memory();
      List<Long> live = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        live.add(m.remember(Remember.event("s" + (i % 5), "user", "t" + i).vector(TestVectors.unit(seed + i))));
      }
      Set<Long> forgotten = ConcurrentHashMap.newKeySet();
      Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong recalls = new AtomicLong();
      List<Thread> readers = new ArrayList<>();
      for (int r = 0; r < 15; r++) {
        long readerSeed = seed * 31 + r;
        readers.add(Thread.ofPlatform().start(() -> {
          Random random = new Random(readerSeed);
          while (!stop.get()) {
            try {
              Set<Long> goneBefore = Set.copyOf(forgotten);
              // k = Integer.MAX_VALUE, every event: asking again for the events forgotten meanwhile overflowed k
              Recall recall = Recall.vector(TestVectors.unit(random.nextLong()),
                  random.nextInt(8) == 0 ? Integer.MAX_VALUE : 10);
              if (random.nextBoolean()) {
                recall.session("s" + random.nextInt(5));
              }
              for (Recalled hit : m.recall(recall)) {
                if (goneBefore.contains(hit.event().id())) {
                  failures.add(new AssertionError("recall returned forgotten event " + hit.event().id()));
                }
              }
              recalls.incrementAndGet();
            } catch (Throwable t) {
              failures.add(t);
            }
          }
        }));
      }
      Random random = new Random(seed);
      long end = System.nanoTime() + 3_000_000_000L;
      int i = 500;
      while (System.nanoTime() < end && failures.isEmpty()) {
        if (random.nextInt(3) == 0 && live.size() > 100) {
          long id = live.remove(random.nextInt(live.size()));
          assertTrue(m.forget(id));
          forgotten.add(id);
        } else {
          live.add(m.remember(Remember.event("s" + (i % 5), "user", "t" + i).vector(TestVectors.unit(seed + i))));
          i++;
        }
      }
      stop.set(true);
      for (Thread t : readers) {
        t.join();
      }
      if (!failures.isEmpty()) {
        throw new AssertionError(failures.size() + " reader failures, seed " + seed, failures.peek());
      }
      assertTrue(recalls.get() > 15, "readers made only " + recalls.get() + " recalls");
      assertEquals(List.of(), ((DurableMemory) m).inconsistencies());
    }
  }

  /**
   * A recall (and the query language's) beside a writer still returns k events when k are there: the writer
   * puts each new event into the index before the trace, and a recall that met one in between dropped it and
   * came back one short. The writer's events all have the query's own vector, so the one in flight ranks
   * first whenever it is there.
   */
  @Test
  void aRecallBesideAWriterStillReturnsKEvents() throws Exception {
    float[] q = TestVectors.unit(42);
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withDurability(Durability.OFF))) {
      Memory m = aeon.memory();
      for (int i = 0; i < 20; i++) {
        m.remember(Remember.event("s", "user", "base " + i).vector(TestVectors.unit(i)));
      }
      AtomicBoolean stop = new AtomicBoolean();
      Thread writer = Thread.ofPlatform().start(() -> {
        for (int i = 0; !stop.get() && i < 20_000; i++) {
          m.remember(Remember.event("w", "user", "same " + i).vector(q));
        }
      });
      int shortResults = 0;
      int recalls = 0;
      try {
        for (long end = System.nanoTime() + 2_000_000_000L; System.nanoTime() < end && writer.isAlive(); recalls++) {
          if (m.recall(Recall.vector(q, 5).slb(false)).size() != 5) {
            shortResults++;
          }
          Object counted = m.query("CALL recall($q, 5) YIELD event RETURN count(event)", Map.of("q", q)).rows()
              .getFirst().getFirst();
          if (((Number) counted).longValue() != 5) {
            shortResults++;
          }
        }
      } finally {
        stop.set(true);
        writer.join();
      }
      assertEquals(0, shortResults, shortResults + " of " + recalls + " recalls came back with fewer than 5 events");
    }
  }
}
