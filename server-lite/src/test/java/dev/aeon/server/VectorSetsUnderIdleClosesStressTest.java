package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.engine.Durability;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Vector sets whose namespace is closed as idle over and over while clients write and read them (pipelined and not):
 * a set switches to each next instance without being read again ({@code Memory.closedCleanly}), so a wrong switch
 * (to an instance lacking an element, or holding another under an id the set keeps) would show as an answer that
 * differs from a model of each client's own sets, or as a set whose map disagrees with the namespace's events. Each
 * client owns its keys, so that its model is exact; all the sets share one storage namespace, which a closer thread
 * closes whenever no command holds it. Seeded: a failure names its seed.
 */
class VectorSetsUnderIdleClosesStressTest {

  private static final String STORAGE = "default.vset-d3";
  private static final int CLIENTS = 3;
  private static final int ROUNDS = 100;
  private static final int KEYS = 3;
  private static final int ELEMENTS = 12;

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(value = Durability.class, names = {"SYNC", "ASYNC"})
  void setsAgreeWithTheirNamespaceThroughIdleCloses(Durability durability) throws Exception {
    long seed = System.nanoTime();
    List<Map<String, Map<String, String>>> models = new ArrayList<>();
    // threads of their own: the common pool has one thread on a machine of two cores, which the closer would hold
    try (ExecutorService threads = Executors.newCachedThreadPool();
        AeonServer server = TestServer.start(dir, c -> c.withNamespaceIdle(Duration.ZERO) // closed by the closer
        .withEngine(c.engine().withDurability(durability)))) {
      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicInteger closes = new AtomicInteger();
      CompletableFuture<Void> closer = CompletableFuture.runAsync(() -> {
        while (writing.get()) {
          if (server.context().closeIdleNamespaces().contains(STORAGE)) {
            closes.incrementAndGet();
          }
          try {
            Thread.sleep(2); // each close makes the next command open the namespace again: not all the time
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }, threads);
      List<CompletableFuture<Map<String, Map<String, String>>>> clients = new ArrayList<>();
      for (int t = 0; t < CLIENTS; t++) {
        int client = t;
        clients.add(CompletableFuture.supplyAsync(() -> runClient(server, client, new Random(seed + client)), threads));
      }
      try {
        for (CompletableFuture<Map<String, Map<String, String>>> c : clients) {
          models.add(c.get(240, TimeUnit.SECONDS));
        }
      } finally {
        writing.set(false);
        closer.get(60, TimeUnit.SECONDS);
      }
      assertTrue(closes.get() > 0, "seed " + seed + ": the storage namespace was never closed as idle");
      checkAgainstTheNamespace(server, models, seed);
    }
    try (AeonServer server = TestServer.start(dir, c -> c.withEngine(c.engine().withDurability(durability)))) {
      checkAgainstTheNamespace(server, models, seed); // read again after a restart
    }
  }

  /** One client's random VADDs and VREMs of its own keys, in pipelines of 1 to 6, each reply checked on its model. */
  private static Map<String, Map<String, String>> runClient(AeonServer server, int client, Random rnd) {
    Map<String, Map<String, String>> model = new TreeMap<>();
    try (RespClient c = new RespClient(server.port())) {
      for (int round = 0; round < ROUNDS; round++) {
        int n = 1 + rnd.nextInt(6);
        List<Object> expected = new ArrayList<>();
        List<String> what = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          String key = "c" + client + "k" + rnd.nextInt(KEYS);
          String element = "e" + rnd.nextInt(ELEMENTS);
          Map<String, String> set = model.computeIfAbsent(key, k -> new TreeMap<>());
          int op = rnd.nextInt(10);
          if (op < 6) {
            int axis = rnd.nextInt(3);
            c.send("VADD", key, "VALUES", "3", axis == 0 ? "1" : "0.1", axis == 1 ? "1" : "0.1",
                axis == 2 ? "1" : "0.1", element);
            expected.add(set.put(element, "xyz".substring(axis, axis + 1)) == null ? 1L : 0L);
          } else if (op < 8) {
            c.send("VREM", key, element);
            expected.add(set.remove(element) != null ? 1L : 0L);
          } else if (op < 9) {
            c.send("VCARD", key);
            expected.add((long) set.size());
          } else {
            c.send("VISMEMBER", key, element);
            expected.add(set.containsKey(element) ? 1L : 0L);
          }
          what.add(key + " " + element + " op " + op);
        }
        for (int i = 0; i < n; i++) {
          Object got = c.read();
          if (!expected.get(i).equals(got)) {
            throw new AssertionError("client " + client + " round " + round + ": " + what.get(i) + " answered " + got
                + ", expected " + expected.get(i));
          }
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    model.values().removeIf(Map::isEmpty);
    return model;
  }

  /** Every set answers as its client's model says, and the namespace's events of it are the model's elements. */
  private static void checkAgainstTheNamespace(AeonServer server, List<Map<String, Map<String, String>>> models,
      long seed) throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      for (Map<String, Map<String, String>> model : models) {
        for (Map.Entry<String, Map<String, String>> set : model.entrySet()) {
          String key = set.getKey();
          assertEquals(set.getValue(), StoredElements.of(server, STORAGE, key), "seed " + seed + ": events of " + key);
          assertEquals((long) set.getValue().size(), c.call("VCARD", key), "seed " + seed + ": VCARD " + key);
          for (Map.Entry<String, String> e : set.getValue().entrySet()) {
            @SuppressWarnings("unchecked")
            List<Object> v = (List<Object>) c.call("VEMB", key, e.getKey());
            assertEquals(e.getValue(), axis(v), "seed " + seed + ": VEMB " + key + " " + e.getKey());
          }
        }
      }
    }
  }

  private static String axis(List<Object> vemb) {
    double[] v = new double[3];
    for (int i = 0; i < 3; i++) {
      v[i] = Double.parseDouble(vemb.get(i).toString());
    }
    int axis = v[0] > v[1] && v[0] > v[2] ? 0 : v[1] > v[2] ? 1 : 2;
    return "xyz".substring(axis, axis + 1);
  }
}
