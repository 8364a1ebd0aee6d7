package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A thread keeps the index's search buffers from one recall to the next; nothing of one recall may reach the
 * next. Each recall here is answered on a thread of its own first, then all of them one after the other on one
 * thread, in two orders: the same events with the same scores. They differ in k (one, ten, a hundred, every
 * event), nprobe, and session filters (one that the index scans exactly and one it searches). The lookaside
 * buffer is bypassed: its entries are shared by every thread by design, and a hit answers from them.
 */
class RecallsOnOneThreadTest {

  @TempDir
  Path dir;

  @Test
  void recallsOnOneThreadAnswerAsOnThreadsOfTheirOwn() throws Exception {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withDurability(Durability.OFF))) {
      Memory m = aeon.memory();
      for (int i = 0; i < 3_000; i++) {
        // Most events in session "big", which the index searches; a few in "small", which it scans.
        m.remember(Remember.event(i % 100 == 0 ? "small" : "big", "user", "e" + i).vector(
            TestVectors.unit(r.nextLong())));
      }
      List<Supplier<Recall>> recalls = new ArrayList<>();
      for (int q = 0; q < 5; q++) {
        float[] v = TestVectors.unit(r.nextLong());
        recalls.add(() -> Recall.vector(v, 10).slb(false));
        recalls.add(() -> Recall.vector(v, 1).slb(false));
        recalls.add(() -> Recall.vector(v, 100).slb(false).nprobe(4));
        recalls.add(() -> Recall.vector(v, 3_000).slb(false));
        recalls.add(() -> Recall.vector(v, 10).slb(false).session("small"));
        recalls.add(() -> Recall.vector(v, 10).slb(false).session("big"));
      }
      List<List<Recalled>> alone = new ArrayList<>();
      for (Supplier<Recall> recall : recalls) {
        alone.add(onThreadOfItsOwn(m, recall.get()));
      }
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < recalls.size(); i++) {
        order.add(i);
      }
      for (int round = 0; round < 2; round++) {
        for (int i : order) {
          List<Recalled> got = m.recall(recalls.get(i).get());
          String context = "seed " + seed + ", round " + round + ", recall " + i;
          assertFalse(got.isEmpty(), context);
          assertEquals(alone.get(i), got, context);
        }
        Collections.shuffle(order, r);
      }
    }
  }

  private static List<Recalled> onThreadOfItsOwn(Memory m, Recall recall) throws InterruptedException {
    AtomicReference<List<Recalled>> out = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t = Thread.ofPlatform().start(() -> {
      try {
        out.set(m.recall(recall));
      } catch (Throwable e) {
        failure.set(e);
      }
    });
    t.join();
    if (failure.get() != null) {
      throw new AssertionError("recall failed", failure.get());
    }
    return out.get();
  }
}
