package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FLUSHDB beside clients that add and remove vector-set elements and memories in the same namespace: no
 * command fails, and what the server answers at the end (from its cached sets) is what a restarted server
 * reads from disk. A command that ran into a flush, or a set cached across one, would break either.
 */
class FlushDbStressTest {

  private static final int CLIENTS = 4;
  private static final int KEYS = 3;
  /**
   * Flushes among the clients' commands, 50 ms apart; the clients run until the last one (not for a time: on a loaded
   * machine a time's worth of flushes could be fewer than the test asked for).
   */
  private static final int FLUSHES = 15;
  private static final long SEED = System.nanoTime();

  @TempDir Path dir;

  @Test
  void clientsAndFlushesInterleaveWithoutErrorsAndTheCacheMatchesTheDisk() throws Exception {
    System.out.println("FlushDbStressTest seed " + SEED);
    Path data = dir.resolve("data");
    ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    Map<String, TreeSet<String>> before;
    try (AeonServer server = TestServer.start(data);
         ExecutorService threads = Executors.newFixedThreadPool(CLIENTS + 1)) {
      AtomicBoolean flushing = new AtomicBoolean(true);
      List<Future<Integer>> running = new ArrayList<>();
      for (int t = 0; t < CLIENTS; t++) {
        Random random = new Random(SEED + t);
        running.add(threads.submit(() -> {
          int commands = 0;
          try (RespClient c = new RespClient(server.port())) {
            c.call("SELECT", "agent");
            while (flushing.get() || commands == 0) {
              commands++;
              String key = "k" + random.nextInt(KEYS);
              String element = "e" + random.nextInt(20);
              Object reply = switch (random.nextInt(4)) {
                case 0, 1 -> c.call("VADD", key, "VALUES", "2", "1", Integer.toString(random.nextInt(9)), element);
                case 2 -> c.call("VREM", key, element);
                default -> c.call("MEM.ADD", "s", "user", "turn", "VECTOR", "VALUES", "3", "1", "0", "0");
              };
              if (reply instanceof RespClient.Err err) {
                errors.add(key + " " + element + ": " + err.message());
              }
            }
          }
          return commands;
        }));
      }
      Future<?> flusher = threads.submit(() -> {
        try (RespClient c = new RespClient(server.port())) {
          c.call("SELECT", "agent");
          for (int i = 0; i < FLUSHES; i++) {
            Object reply = c.call("FLUSHDB");
            if (!"OK".equals(reply)) {
              errors.add("FLUSHDB: " + reply);
            }
            Thread.sleep(50);
          }
        } finally {
          flushing.set(false);
        }
        return null;
      });
      flusher.get(120, TimeUnit.SECONDS);
      for (Future<Integer> f : running) {
        assertTrue(f.get(60, TimeUnit.SECONDS) > 0, "a client's commands among the flushes");
      }
      assertEquals(List.of(), List.copyOf(errors), "seed " + SEED);
      before = members(server);
    }
    try (AeonServer restarted = TestServer.start(data)) {
      assertEquals(before, members(restarted), "the sets as cached, then as read from disk; seed " + SEED);
    }
  }

  /** Every key's elements, as the server answers. */
  private static Map<String, TreeSet<String>> members(AeonServer server) throws Exception {
    Map<String, TreeSet<String>> all = new TreeMap<>();
    try (RespClient c = new RespClient(server.port())) {
      c.call("SELECT", "agent");
      for (int k = 0; k < KEYS; k++) {
        TreeSet<String> elements = new TreeSet<>();
        for (int e = 0; e < 20; e++) {
          if (Long.valueOf(1).equals(c.call("VISMEMBER", "k" + k, "e" + e))) {
            elements.add("e" + e);
          }
        }
        all.put("k" + k, elements);
      }
    }
    return all;
  }
}
