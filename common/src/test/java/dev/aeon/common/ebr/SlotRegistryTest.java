package dev.aeon.common.ebr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class SlotRegistryTest {

  /**
   * Threads that take their first slot while thousands of others hold theirs (a server's connections, each a
   * virtual thread, entering an engine's domain) must not each look at every slot: the first enter of each
   * did, under the lock every claim and every reclaim takes, so N threads made N²/2 looks (20 s of first
   * enters for 40,000 threads). A count of looks, not a time, is checked.
   */
  @Test
  void firstEntersOfManyLiveThreadsCostLinearlyManyLooksAtSlots() throws Exception {
    int threads = 3_000;
    SlotRegistry registry = new SlotRegistry(1);
    CountDownLatch claimed = new CountDownLatch(threads);
    CountDownLatch release = new CountDownLatch(1);
    List<Thread> started = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      started.add(Thread.ofVirtual().start(() -> {
        registry.claim();
        claimed.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
    }
    claimed.await();
    long looks = registry.looksAtOwners();
    release.countDown();
    for (Thread t : started) {
      t.join();
    }
    assertEquals(threads, registry.size());
    assertTrue(looks <= 4L * threads, threads + " claims looked at " + looks + " slots");
  }

  /** Slots of threads that died are still recycled, so many short-lived threads leave few slots. */
  @Test
  void slotsOfDeadThreadsAreRecycled() throws Exception {
    SlotRegistry registry = new SlotRegistry(16);
    for (int i = 0; i < 1_000; i++) {
      Thread.ofVirtual().start(registry::claim).join();
    }
    assertTrue(registry.size() <= 2, registry.size() + " slots for one live thread at a time");
  }
}
