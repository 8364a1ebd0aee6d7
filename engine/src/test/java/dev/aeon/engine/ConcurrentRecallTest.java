package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
              Recall recall = Recall.vector(TestVectors.unit(random.nextLong()), 10);
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
}
