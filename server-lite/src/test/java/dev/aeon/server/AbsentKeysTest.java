package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.server.vset.SetsInMemory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read of a vector-set key that does not exist: the first looks for it in every namespace that may hold it, on the
 * pool (listing the data directory's namespaces), and the reads after it are answered on the connection's thread, with
 * no load, until a VADD creates the key. On the code before, every read of an absent key went to the pool and loaded
 * (aKeyFoundNowhereIsAnsweredOnTheConnectionThreadAfterItsFirstRead and
 * aKeyKnownAbsentStaysSoWhileItsNamespaceIsClosedAsIdle failed there); the others passed there too, and guard what
 * the known absent keys must never do: answer "absent" for a key whose VADD was acknowledged.
 */
class AbsentKeysTest {

  @TempDir Path dir;

  private final PoolCount pool = new PoolCount();

  private AeonServer start(Duration namespaceIdle) throws Exception {
    return TestServer.startSync(dir, namespaceIdle);
  }

  /** Every fast read of a key, each answering as for a key that does not exist. */
  private static final List<List<Object>> FAST_READS_OF_NOSUCH = List.of(
      List.of("VCARD", "nosuch"), List.of("EXISTS", "nosuch"), List.of("TYPE", "nosuch"),
      List.of("VISMEMBER", "nosuch", "a"), List.of("VEMB", "nosuch", "a"), List.of("VGETATTR", "nosuch", "a"),
      List.of("VINFO", "nosuch"));

  @Test
  void aKeyFoundNowhereIsAnsweredOnTheConnectionThreadAfterItsFirstRead() throws Exception {
    try (AeonServer server = start(Duration.ofHours(1)); RespClient c = new RespClient(server.port())) {
      assertEquals(1L, c.call("VADD", "three", "VALUES", "3", "1", "0", "0", "a"));
      assertEquals(1L, c.call("VADD", "four", "VALUES", "4", "1", "0", "0", "0", "a"));
    }
    try (AeonServer server = start(Duration.ofHours(1)); RespClient c = new RespClient(server.port())) {
      long pooled = pool.of(c);
      assertEquals(0L, c.call("VCARD", "nosuch"));
      assertEquals(++pooled, pool.of(c), "the first read looks for the key in every namespace, on the pool");
      for (List<Object> read : FAST_READS_OF_NOSUCH) {
        Object reply = c.call(read.toArray());
        assertTrue(reply == null || reply.equals(0L) || reply.equals("none"), read + " answered " + reply);
      }
      assertEquals(pooled, pool.of(c), "the fast reads of a key known absent ran on the connection's thread");
      assertEquals(1, SetsInMemory.knownAbsent(server.context().vectorSets()));
      // not fast, but begun on the connection's thread, and answered there from what is known
      assertEquals(List.of(), c.call("VSIM", "nosuch", "VALUES", "3", "1", "0", "0"));
      assertEquals(List.of(), c.call("VSIM", "nosuch", "TEXT", "never embedded", "WITHSCORES"));
      assertEquals(null, c.call("VRANDMEMBER", "nosuch"));
      assertEquals(List.of(), c.call("VRANDMEMBER", "nosuch", "-5"));
      assertEquals(pooled, pool.of(c), "VSIM and VRANDMEMBER of a key known absent ran on the connection's thread");
      // of a set, each goes on to the pool (the search, the draw), once
      assertEquals(List.of("a"), c.call("VSIM", "three", "VALUES", "3", "1", "0", "0"));
      assertEquals("a", c.call("VRANDMEMBER", "three"));
      assertEquals(List.of("a"), c.call("VRANDMEMBER", "three", "2"));
      pooled += 3;
      assertEquals(pooled, pool.of(c), "VSIM and VRANDMEMBER of a set each ran on the pool once");

      assertEquals("OK", c.call("SELECT", "nosets")); // no namespace holds its sets: none to look in
      assertEquals(0L, c.call("EXISTS", "k"));
      assertEquals(++pooled, pool.of(c));
      assertEquals(0L, c.call("EXISTS", "k"));
      assertEquals(pooled, pool.of(c), "a key of a namespace without sets, known absent");
    }
  }

  /** A VADD of a key known absent, from another client: every read after its reply finds the set. */
  @Test
  void aVaddCreatesAKeyKnownAbsent() throws Exception {
    try (AeonServer server = start(Duration.ofHours(1)); RespClient reader = new RespClient(server.port());
        RespClient writer = new RespClient(server.port())) {
      assertEquals(1L, writer.call("VADD", "other", "VALUES", "3", "1", "0", "0", "a"));
      for (int round = 0; round < 3; round++) {
        assertEquals(0L, reader.call("VCARD", "k"));
        assertEquals(0L, reader.call("VCARD", "k"));
        assertEquals(1, SetsInMemory.knownAbsent(server.context().vectorSets()), "round " + round);
        // of a dimension whose namespace exists, or of one whose namespace the VADD creates
        List<Object> vadd = new ArrayList<>(List.of("VADD", "k", "VALUES", Integer.toString(3 + round)));
        for (int i = 0; i < 3 + round; i++) {
          vadd.add(i == 0 ? "1" : "0");
        }
        vadd.add("a");
        assertEquals(1L, writer.call(vadd.toArray()));
        assertEquals(1L, reader.call("VCARD", "k"), "round " + round);
        assertEquals(1L, reader.call("EXISTS", "k"));
        assertEquals(1L, writer.call("DEL", "k"));
      }
      assertEquals("OK", reader.call("FLUSHDB"));
      assertEquals(0, SetsInMemory.knownAbsent(server.context().vectorSets()), "FLUSHDB forgot them");
    }
  }

  /**
   * A key whose namespace closed as idle (cleanly: every event it showed is in its files) stays known absent, and is
   * answered so without opening that namespace again.
   */
  @Test
  void aKeyKnownAbsentStaysSoWhileItsNamespaceIsClosedAsIdle() throws Exception {
    try (AeonServer server = start(Duration.ofMillis(100)); RespClient c = new RespClient(server.port())) {
      assertEquals(1L, c.call("VADD", "set", "VALUES", "3", "1", "0", "0", "a"));
      assertEquals(0L, c.call("VCARD", "nosuch"));
      TestServer.awaitClosedAsIdle(server, "default.vset-d3");
      long pooled = pool.of(c);
      assertEquals(0L, c.call("VCARD", "nosuch"));
      assertEquals(0L, c.call("EXISTS", "nosuch"));
      assertEquals(pooled, pool.of(c), "answered on the connection's thread");
      assertFalse(server.context().openNamespaces().contains("default.vset-d3"), "not opened again");
      assertEquals(1L, c.call("VADD", "nosuch", "VALUES", "3", "0", "1", "0", "b"));
      assertEquals(1L, c.call("VCARD", "nosuch"));
    }
  }

  /**
   * Clients poll keys while another creates them, one after the other, some in a dimension whose namespace the VADD
   * creates: a read sent after the VADD's reply came back must find the key. Each key is polled from before its
   * VADD, so that loads finding it nowhere run as the VADD applies its element.
   */
  @Test
  void aPollerNeverSeesAKeyAbsentAfterItsVaddWasAcknowledged() throws Exception {
    int keys = 150;
    try (AeonServer server = start(Duration.ofHours(1))) {
      AtomicInteger current = new AtomicInteger(-1);
      AtomicInteger acknowledged = new AtomicInteger(-1);
      AtomicBoolean done = new AtomicBoolean();
      ConcurrentLinkedQueue<String> stale = new ConcurrentLinkedQueue<>();
      List<Thread> pollers = new ArrayList<>();
      for (int p = 0; p < 3; p++) {
        pollers.add(Thread.ofPlatform().start(() -> {
          try (RespClient c = new RespClient(server.port())) {
            while (!done.get()) {
              int key = current.get();
              if (key < 0) {
                continue;
              }
              boolean wasAcknowledged = acknowledged.get() >= key; // read before the request is sent
              Object found = c.call(key % 2 == 0 ? "VCARD" : "EXISTS", "k" + key);
              if (wasAcknowledged && !found.equals(1L)) {
                stale.add("k" + key + ": " + found);
              }
            }
          } catch (Exception e) {
            stale.add("poller failed: " + e);
          }
        }));
      }
      try (RespClient writer = new RespClient(server.port())) {
        for (int key = 0; key < keys; key++) {
          current.set(key);
          Thread.sleep(1); // the pollers find it absent, and know it so
          int dim = 3 + key % 5 * (key / 50 + 1); // new dimensions, and their namespaces, as the keys go on
          List<Object> vadd = new ArrayList<>(List.of("VADD", "k" + key, "VALUES", Integer.toString(dim)));
          for (int i = 0; i < dim; i++) {
            vadd.add(i == 0 ? "1" : "0");
          }
          vadd.add("a");
          assertEquals(1L, writer.call(vadd.toArray()));
          acknowledged.set(key);
          Thread.sleep(1);
        }
      } finally {
        done.set(true);
        for (Thread t : pollers) {
          t.join();
        }
      }
      assertEquals(List.of(), List.copyOf(stale), "reads that found a key absent after its VADD was acknowledged");
    }
  }
}
