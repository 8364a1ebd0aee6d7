package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys known absent under every way a key comes and goes at once, over TCP: in two namespaces (SELECT; the same key
 * names in both), a writer per namespace adds elements (of dimensions whose namespaces it creates as it goes, a key's
 * dimension chosen anew once it is gone), removes them (VREM of a set's last element), deletes sets and flushes its
 * namespace, while pollers read the keys (VCARD, EXISTS), namespaces close as idle between commands, and garbage
 * collections take the instances closed. A reply to a read sent while no write to its key was under way must say what
 * the last acknowledged write left: a key known absent after a VADD's reply, or present after a DEL's, fails it.
 * Seeded: {@code -Dabsent.seed=N} runs one seed again.
 */
class AbsentKeysUnderChurnTest {

  private static final List<String> NAMESPACES = List.of("0", "other");
  private static final int KEYS = 6;
  private static final int WRITES = 300;

  @TempDir Path dir;

  /**
   * One namespace's keys as its writer left them: per key a version, odd while a write to it is under way, and
   * whether the key exists after the last acknowledged write.
   */
  private record Keys(AtomicLong[] versions, AtomicReferenceArray<Boolean> exists) {

    static Keys none() {
      AtomicLong[] versions = new AtomicLong[KEYS];
      for (int k = 0; k < KEYS; k++) {
        versions[k] = new AtomicLong();
      }
      AtomicReferenceArray<Boolean> exists = new AtomicReferenceArray<>(KEYS);
      for (int k = 0; k < KEYS; k++) {
        exists.set(k, false);
      }
      return new Keys(versions, exists);
    }
  }

  @Test
  void aReadNeverContradictsTheLastAcknowledgedWriteOfItsKey() throws Exception {
    long seed = Long.getLong("absent.seed", System.nanoTime());
    List<Keys> keys = List.of(Keys.none(), Keys.none());
    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    AtomicBoolean done = new AtomicBoolean();
    try (AeonServer server = TestServer.startSync(dir, Duration.ofMillis(20))) {
      List<Thread> pollers = new ArrayList<>();
      for (int p = 0; p < 3; p++) {
        Random rnd = new Random(seed + 100 + p);
        pollers.add(Thread.ofPlatform().start(() -> poll(server, keys, rnd, done, wrong)));
      }
      List<Thread> writers = new ArrayList<>();
      for (int n = 0; n < NAMESPACES.size(); n++) {
        int ns = n;
        Random rnd = new Random(seed + ns);
        writers.add(Thread.ofPlatform().start(() -> write(server, ns, keys.get(ns), rnd, wrong)));
      }
      for (Thread w : writers) {
        w.join();
      }
      done.set(true);
      for (Thread p : pollers) {
        p.join();
      }
    }
    assertEquals(List.of(), List.copyOf(wrong), "seed " + seed);
  }

  private static void write(AeonServer server, int ns, Keys keys, Random rnd, ConcurrentLinkedQueue<String> wrong) {
    List<List<String>> elements = new ArrayList<>(); // of each key, as acknowledged
    int[] dims = new int[KEYS];
    for (int k = 0; k < KEYS; k++) {
      elements.add(new ArrayList<>());
    }
    try (RespClient c = new RespClient(server.port())) {
      assertEquals("OK", c.call("SELECT", NAMESPACES.get(ns)));
      for (int i = 0; i < WRITES; i++) {
        int op = rnd.nextInt(100);
        if (op < 2) { // FLUSHDB: every key of the namespace goes
          for (AtomicLong v : keys.versions()) {
            v.incrementAndGet();
          }
          assertEquals("OK", c.call("FLUSHDB"));
          for (int k = 0; k < KEYS; k++) {
            elements.get(k).clear();
            keys.exists().set(k, false);
            keys.versions()[k].incrementAndGet();
          }
          continue;
        }
        int k = rnd.nextInt(KEYS);
        List<String> held = elements.get(k);
        keys.versions()[k].incrementAndGet();
        if (op < 60 || held.isEmpty()) { // VADD, of a new dimension (namespace) now and then if the key is new
          if (held.isEmpty()) {
            dims[k] = 2 + rnd.nextInt(2 + i / 40);
          }
          String element = "e" + rnd.nextInt(3);
          List<Object> vadd = new ArrayList<>(List.of("VADD", "k" + k, "VALUES", Integer.toString(dims[k])));
          for (int d = 0; d < dims[k]; d++) {
            vadd.add(Integer.toString(1 + rnd.nextInt(9)));
          }
          vadd.add(element);
          assertEquals(held.contains(element) ? 0L : 1L, c.call(vadd.toArray()), "VADD k" + k + " " + element);
          if (!held.contains(element)) {
            held.add(element);
          }
        } else if (op < 85) { // VREM, of the set's last element at times
          String element = held.get(rnd.nextInt(held.size()));
          assertEquals(1L, c.call("VREM", "k" + k, element));
          held.remove(element);
        } else {
          assertEquals(1L, c.call("DEL", "k" + k));
          held.clear();
        }
        keys.exists().set(k, !held.isEmpty());
        keys.versions()[k].incrementAndGet();
      }
    } catch (Exception | AssertionError e) {
      wrong.add("writer of " + NAMESPACES.get(ns) + " failed: " + e);
    }
  }

  private static void poll(AeonServer server, List<Keys> keys, Random rnd, AtomicBoolean done,
      ConcurrentLinkedQueue<String> wrong) {
    try (RespClient c = new RespClient(server.port())) {
      int selected = 0;
      for (long reads = 0; !done.get(); reads++) {
        int ns = rnd.nextInt(NAMESPACES.size());
        if (ns != selected) {
          assertEquals("OK", c.call("SELECT", NAMESPACES.get(ns)));
          selected = ns;
        }
        int k = rnd.nextInt(KEYS);
        long before = keys.get(ns).versions()[k].get();
        boolean exists = keys.get(ns).exists().get(k); // as the write acknowledged by then left it
        boolean vcard = rnd.nextBoolean();
        Object reply = c.call(vcard ? "VCARD" : "EXISTS", "k" + k);
        boolean found = vcard ? (Long) reply > 0 : reply.equals(1L);
        if (before % 2 == 0 && keys.get(ns).versions()[k].get() == before && found != exists) {
          wrong.add((vcard ? "VCARD " : "EXISTS ") + NAMESPACES.get(ns) + " k" + k + " answered " + reply
              + " at version " + before);
        }
        if (reads % 500 == 499) {
          System.gc(); // the instances of namespaces closed as idle go, and with them the keys known absent there
        }
      }
    } catch (Exception | AssertionError e) {
      wrong.add("poller failed: " + e);
    }
  }
}
