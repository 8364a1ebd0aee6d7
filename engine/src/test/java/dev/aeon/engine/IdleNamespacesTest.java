package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Namespaces that nobody holds or used for a while are closed; a leased one never is, even mid-close. */
class IdleNamespacesTest {

  @TempDir
  Path dir;

  private static AeonOptions options() {
    return EngineTest.options().withDurability(Durability.ASYNC);
  }

  /**
   * An idle close drops the namespace's usage record (leases, last use), so that a long-lived server does not
   * keep one for every agent it ever served; leasing it again works as before.
   */
  @Test
  void idleClosesDropTheUsageRecords() {
    try (Aeon aeon = Aeon.open(dir, options())) {
      for (int i = 0; i < 50; i++) {
        try (NamespaceLease lease = aeon.lease("agent-" + i)) {
          lease.memory().remember(Remember.event("s", "user", "event of agent " + i));
        }
      }
      assertEquals(50, aeon.usageRecords());
      assertEquals(50, aeon.closeIdleNamespaces(Duration.ZERO).size());
      assertEquals(0, aeon.usageRecords(), "records of closed namespaces kept");
      try (NamespaceLease lease = aeon.lease("agent-7")) {
        assertEquals("event of agent 7", lease.memory().history("s", 1).getFirst().text());
        assertEquals(List.of(), aeon.closeIdleNamespaces(Duration.ZERO), "closed while leased");
      }
      assertEquals(1, aeon.usageRecords());
    }
  }

  /**
   * Two idle closes of one namespace: the first has closed it and retired its usage record, and has not yet
   * dropped the record from the map when the second fetches it; the namespace is opened again, and leased on
   * the record that replaces the retired one. The second close must not close the namespace on the retired
   * record, under the lease.
   */
  @Test
  void anIdleCloseThatMeetsARetiredRecordLeavesALeasedNamespaceOpen() throws Exception {
    try (Aeon aeon = Aeon.open(dir, options())) {
      try (NamespaceLease lease = aeon.lease("a")) {
        lease.memory().remember(Remember.event("s", "user", "before"));
      }
      ConcurrentHashMap<String, NamespaceUsage> usage = usageMap(aeon);
      NamespaceUsage retired = usage.get("a");
      // The first idle close, up to the point where it has retired the record but not yet removed it.
      assertTrue(retired.startClosingIfIdle(0));
      assertTrue(aeon.closeNamespace("a"));
      retired.closed();
      assertTrue(retired.retireIfUnused());
      aeon.namespace("a"); // opened again meanwhile

      List<List<String>> closedBySecond = new ArrayList<>();
      Thread second = new Thread(() -> closedBySecond.add(aeon.closeIdleNamespaces(Duration.ZERO)));
      NamespaceLease lease;
      synchronized (retired) {
        second.start();
        awaitBlockedOn(second, retired); // it fetched the retired record, and is about to look at it
        usage.remove("a", retired); // the first idle close ends
        lease = aeon.lease("a"); // on the record that replaces it
      }
      second.join();
      try (lease) {
        assertEquals(List.of(List.of()), closedBySecond, "closed under a lease");
        assertEquals(List.of("a"), aeon.openNamespaceNames());
        lease.memory().remember(Remember.event("s", "user", "after"));
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static ConcurrentHashMap<String, NamespaceUsage> usageMap(Aeon aeon) throws ReflectiveOperationException {
    Field namespaces = Aeon.class.getDeclaredField("namespaces");
    namespaces.setAccessible(true);
    Field records = OpenNamespaces.class.getDeclaredField("usage");
    records.setAccessible(true);
    Field map = UsageRecords.class.getDeclaredField("usage");
    map.setAccessible(true);
    return (ConcurrentHashMap<String, NamespaceUsage>) map.get(records.get(namespaces.get(aeon)));
  }

  /** Waits until {@code t} is blocked entering the monitor of {@code lock}, which the caller holds. */
  private static void awaitBlockedOn(Thread t, Object lock) throws InterruptedException {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      ThreadInfo info = mx.getThreadInfo(t.threadId());
      if (info != null && info.getThreadState() == Thread.State.BLOCKED && info.getLockInfo() != null
          && info.getLockInfo().getIdentityHashCode() == System.identityHashCode(lock)) {
        return;
      }
      assertTrue(t.isAlive() && System.nanoTime() < deadline, "never blocked on the record");
      Thread.sleep(1);
    }
  }

  /**
   * Closing a namespace, or failing to open one, drops its usage record too (unless a lease holds it): only
   * idle closes did, and a program that closes namespaces itself, or clients naming namespaces that cannot be
   * opened, left one behind each time.
   */
  @Test
  void closingANamespaceOrFailingToOpenOneDropsItsUsageRecord() throws Exception {
    try (Aeon aeon = Aeon.open(dir, options())) {
      aeon.lease("closed").close();
      aeon.namespace("open").remember(Remember.event("s", "user", "stays open"));
      try (NamespaceLease held = aeon.lease("held")) {
        assertEquals(3, aeon.usageRecords());
        assertTrue(aeon.closeNamespace("closed"));
        assertTrue(aeon.closeNamespace("held"));
        assertEquals(2, aeon.usageRecords(), "the closed namespace's record is kept, or the leased one's dropped");
      }
      java.nio.file.Files.writeString(dir.resolve("ns").resolve("broken"), "a file where its directory belongs");
      assertThrows(RuntimeException.class, () -> aeon.lease("broken"));
      assertThrows(RuntimeException.class, () -> aeon.namespace("broken"));
      assertEquals(2, aeon.usageRecords(), "a namespace that failed to open keeps a record");
    }
  }

  @Test
  void onlyNamespacesNeitherLeasedNorRecentlyUsedAreClosed() throws InterruptedException {
    try (Aeon aeon = Aeon.open(dir, options())) {
      long id = aeon.namespace("quiet").remember(Remember.event("s", "user", "before"));
      aeon.namespace("busy").remember(Remember.event("s", "user", "busy"));
      try (NamespaceLease held = aeon.lease("held")) {
        held.memory().remember(Remember.event("s", "user", "held"));
        assertEquals(List.of(), aeon.closeIdleNamespaces(Duration.ofHours(1)), "closed before its idle time");
        assertEquals(List.of("busy", "held", "quiet"), aeon.openNamespaceNames());

        Thread.sleep(2_000);
        aeon.namespace("busy"); // named just now: used
        assertEquals(List.of("quiet"), aeon.closeIdleNamespaces(Duration.ofMillis(1_500)));
        assertEquals(List.of("busy", "held"), aeon.openNamespaceNames());

        assertEquals(List.of("busy"), aeon.closeIdleNamespaces(Duration.ZERO));
        assertEquals(List.of("held"), aeon.openNamespaceNames(), "a leased namespace was closed");
        held.memory().remember(Remember.event("s", "user", "still open"));
      }
      assertEquals(List.of("held"), aeon.closeIdleNamespaces(Duration.ZERO));
      assertEquals(List.of(), aeon.openNamespaceNames());
      try (NamespaceLease again = aeon.lease("quiet")) { // opened again from its files
        assertEquals("before", again.memory().get(id).orElseThrow().text());
      }
      try (NamespaceLease again = aeon.lease("held")) {
        assertEquals(2, again.memory().stats().events());
      }
    }
  }

  @Test
  void ifOpenNeitherOpensNorCountsAsAUse() throws InterruptedException {
    try (Aeon aeon = Aeon.open(dir, options())) {
      assertTrue(aeon.ifOpen("a").isEmpty());
      assertEquals(List.of(), aeon.openNamespaceNames(), "ifOpen opened it");
      aeon.namespace("a").remember(Remember.event("s", "user", "a"));
      assertEquals(1, aeon.ifOpen("a").orElseThrow().stats().events());
      Thread.sleep(300);
      aeon.ifOpen("a").orElseThrow().stats();
      assertEquals(List.of("a"), aeon.closeIdleNamespaces(Duration.ofMillis(250)), "ifOpen counted as a use");
      assertTrue(aeon.ifOpen("a").isEmpty());
      // as every other call naming a namespace: closeNamespace("../x") answered false, ifOpen(null) threw a bare NPE
      for (String bad : List.of("../a", "a/b", "")) {
        assertThrows(IllegalArgumentException.class, () -> aeon.ifOpen(bad));
        assertThrows(IllegalArgumentException.class, () -> aeon.closeNamespace(bad));
      }
      assertEquals("name", assertThrows(NullPointerException.class, () -> aeon.ifOpen(null)).getMessage());
      assertEquals("name", assertThrows(NullPointerException.class, () -> aeon.closeNamespace(null)).getMessage());
    }
  }

  /**
   * Writers that lease their namespace for each call, while another thread closes every namespace it can as
   * fast as it can: no call fails, and every acknowledged event is there at the end.
   */
  @Test
  void leasedCallsNeverMeetANamespaceClosedUnderThem() throws Exception {
    int writers = 4;
    int eventsEach = 150;
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger closes = new AtomicInteger();
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
    try (Aeon aeon = Aeon.open(dir, options())) {
      Future<?> closer = pool.submit(() -> {
        while (!done.get()) {
          closes.addAndGet(aeon.closeIdleNamespaces(Duration.ZERO).size());
          Thread.onSpinWait();
        }
      });
      List<Future<?>> work = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        String ns = "agent-" + (w % 2); // two writers per namespace
        int writer = w;
        work.add(pool.submit(() -> {
          for (int i = 0; i < eventsEach; i++) {
            String text = "w" + writer + "-" + i;
            // A vector of this writer's own: the recall below then finds it first. The other writer of the
            // namespace may be applying an equal one, which the index can rank first before the trace has it.
            float[] vector = TestVectors.unit(writer * eventsEach + i);
            try (NamespaceLease lease = aeon.lease(ns)) {
              lease.memory().remember(Remember.event("s" + writer, "user", text).vector(vector));
              acknowledged.add(ns + "/" + text);
            }
            try (NamespaceLease lease = aeon.lease(ns)) {
              assertEquals(text, lease.memory().history("s" + writer, 1).getFirst().text());
              assertFalse(lease.memory().recall(Recall.vector(vector, 1)).isEmpty());
            }
          }
          return null;
        }));
      }
      for (Future<?> f : work) {
        f.get(); // a failed call fails the test here, with its exception
      }
      done.set(true);
      closer.get();
      assertTrue(closes.get() > 0, "the closer never closed a namespace");
      for (int n = 0; n < 2; n++) {
        try (NamespaceLease lease = aeon.lease("agent-" + n)) {
          assertEquals(2L * eventsEach, lease.memory().stats().events());
        }
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(writers * eventsEach, acknowledged.size());
    try (Aeon aeon = Aeon.open(dir, options())) {
      for (String s : acknowledged) {
        String[] parts = s.split("/");
        String writer = parts[1].substring(1, parts[1].indexOf('-'));
        assertTrue(aeon.namespace(parts[0]).history("s" + writer, Integer.MAX_VALUE).stream()
            .anyMatch(e -> e.text().equals(parts[1])), s + " is lost");
      }
    }
  }

  /**
   * {@link Aeon#leaseIfOpen} leases only a namespace open now and opens none: empty for one never opened, one closed
   * as idle, one dropped (none of them opened, and no usage record kept); a lease it gives holds the namespace open
   * against idle closes as {@link Aeon#lease} does, and an idle close that came first leaves it empty.
   */
  @Test
  void leaseIfOpenLeasesOnlyAnOpenNamespaceAndOpensNone() {
    try (Aeon aeon = Aeon.open(dir, options())) {
      assertTrue(aeon.leaseIfOpen("never").isEmpty(), "a namespace never opened");
      assertFalse(aeon.exists("never"), "created by leaseIfOpen");
      try (NamespaceLease lease = aeon.lease("a")) {
        lease.memory().remember(Remember.event("s", "user", "one"));
      }
      try (NamespaceLease lease = aeon.leaseIfOpen("a").orElseThrow()) {
        assertEquals(List.of(), aeon.closeIdleNamespaces(Duration.ZERO), "closed while leased");
        assertEquals(2L, lease.memory().remember(Remember.event("s", "user", "two")), "the open instance");
      }
      assertEquals(List.of("a"), aeon.closeIdleNamespaces(Duration.ZERO));
      assertTrue(aeon.leaseIfOpen("a").isEmpty(), "a namespace closed as idle");
      assertEquals(List.of(), aeon.openNamespaceNames(), "opened by leaseIfOpen");
      assertEquals(0, aeon.usageRecords(), "records kept for namespaces that are not open");
      aeon.namespace("b").remember(Remember.event("s", "user", "three"));
      aeon.dropNamespace("b");
      assertTrue(aeon.leaseIfOpen("b").isEmpty(), "a dropped namespace");
      assertFalse(aeon.exists("b"), "created again by leaseIfOpen");
      assertThrows(IllegalArgumentException.class, () -> aeon.leaseIfOpen("not/a name"));
    }
  }
}
