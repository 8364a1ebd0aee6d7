package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.testing.Failures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many readers (virtual threads, more than any fixed table would hold), some of them interrupted over and over,
 * read while a writer remembers (leaf splits), forgets, checkpoints and compacts (the blob arena's collection,
 * the index's compaction), and then while the Aeon closes. Every answer must be right (an event's text is the
 * one remembered with it), and the only failure a read may meet is the namespace's own "closed", after the
 * close began.
 */
class ReadersUnderReclamationTest {

  private static final int READERS = 200;

  @TempDir Path dir;

  @Test
  void readersGetRightAnswersOrTheNamespacesClosedThroughReclamationAndClose() throws Exception {
    long seed = Long.getLong("aeon.test.seed", System.nanoTime());
    System.out.println("ReadersUnderReclamationTest seed " + seed);
    Map<Long, Integer> remembered = new ConcurrentHashMap<>();
    Set<Long> forgotten = ConcurrentHashMap.newKeySet();
    AtomicLong highest = new AtomicLong();
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    AtomicBoolean closing = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong reads = new AtomicLong();
    AtomicLong closedReads = new AtomicLong();
    Aeon aeon = Aeon.open(dir, EngineTest.options().withDurability(Durability.OFF));
    Memory m = aeon.memory();
    for (int i = 0; i < 200; i++) {
      long id = m.remember(Remember.event("s" + (i % 7), "user", text(i)).vector(TestVectors.unit(i)));
      remembered.put(id, i);
      highest.set(id);
    }
    CountDownLatch started = new CountDownLatch(READERS);
    List<Thread> readers = new ArrayList<>();
    for (int r = 0; r < READERS; r++) {
      long readerSeed = seed * 31 + r;
      readers.add(Thread.ofVirtual().name("reader-" + r).start(() -> {
        Random random = new Random(readerSeed);
        started.countDown();
        while (!stop.get()) {
          boolean closeBegan = closing.get();
          try {
            read(m, random, remembered, forgotten, highest.get());
            reads.incrementAndGet();
          } catch (IllegalStateException e) {
            if (closeBegan || closing.get()) {
              if (!String.valueOf(e.getMessage()).startsWith("namespace '" + m.name() + "' is closed")) {
                failures.add(e);
              }
              closedReads.incrementAndGet();
              if (closedReads.get() > 10 * READERS) {
                return;
              }
            } else {
              failures.add(e);
            }
          } catch (Throwable t) {
            failures.add(t);
          }
        }
      }));
    }
    started.await();
    Thread interrupter = Thread.ofPlatform().start(() -> {
      Random random = new Random(seed);
      while (!stop.get()) {
        readers.get(random.nextInt(READERS / 10)).interrupt(); // the first tenth, over and over
        Thread.onSpinWait();
      }
    });
    Random random = new Random(seed ^ 0x5DEECE66DL);
    List<Long> live = new ArrayList<>(remembered.keySet());
    for (int i = 200; i < 1_200 && failures.isEmpty(); i++) {
      remembered.put(highest.get() + 1, i); // before: a reader may meet the event before remember returns
      long id = m.remember(Remember.event("s" + (i % 7), "user", text(i)).vector(TestVectors.unit(i)));
      assertEquals(highest.get() + 1, id, "ids are handed out in order");
      highest.set(id);
      live.add(id);
      if (random.nextInt(3) == 0) {
        long gone = live.remove(random.nextInt(live.size()));
        forgotten.add(gone); // before: a statement may read it as gone before forget returns
        assertTrue(m.forget(gone));
      }
      if (i % 300 == 0) {
        m.checkpoint();
      }
      if (i % 500 == 0) {
        m.compact();
      }
    }
    closing.set(true);
    aeon.close();
    stop.set(true);
    interrupter.join();
    for (Thread t : readers) {
      t.join();
    }
    Failures.throwIfAny("readers, seed " + seed, failures);
    assertTrue(reads.get() > READERS, "readers made only " + reads.get() + " reads");
    try (Aeon again = Aeon.open(dir, EngineTest.options())) {
      assertEquals(List.of(), ((DurableMemory) again.memory()).inconsistencies());
    }
  }

  private static String text(int i) {
    return "event " + i + " " + "x".repeat(i % 50);
  }

  /**
   * One read of a kind chosen at random; every event it returns must carry the text remembered with it, but in a
   * statement, where an event forgotten after the recall found it reads as gone: its text null
   * (docs/query-language.md).
   */
  private static void read(Memory m, Random random, Map<Long, Integer> remembered, Set<Long> forgotten,
      long highest) {
    switch (random.nextInt(4)) {
      case 0 -> {
        int i = random.nextInt((int) Math.min(Integer.MAX_VALUE, highest + 10));
        for (Recalled hit : m.recall(Recall.vector(TestVectors.unit(i), 5).slb(random.nextBoolean()))) {
          check(hit.event(), remembered);
        }
      }
      case 1 -> {
        Optional<Event> e = m.get(1 + random.nextLong(highest));
        e.ifPresent(ev -> check(ev, remembered));
      }
      case 2 -> {
        for (Event e : m.history("s" + random.nextInt(7), 20)) {
          check(e, remembered);
        }
      }
      default -> {
        var rows = m.query("CALL recall($q, 3) YIELD event RETURN event.id, event.text",
            Map.of("q", TestVectors.unit(random.nextInt(1_200)))).rows();
        for (List<Object> row : rows) {
          long id = ((Number) row.get(0)).longValue();
          Integer i = remembered.get(id);
          boolean readAsGone = row.get(1) == null && forgotten.contains(id);
          if (i == null || !(text(i).equals(row.get(1)) || readAsGone)) {
            throw new AssertionError("event " + id + " came back with the text " + row.get(1));
          }
        }
      }
    }
  }

  private static void check(Event e, Map<Long, Integer> remembered) {
    Integer i = remembered.get(e.id());
    if (i == null || !text(i).equals(e.text())) {
      throw new AssertionError("event " + e.id() + " came back with the text " + e.text());
    }
  }
}
