package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.server.vset.CountedLoads;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command flagged fast runs on its connection's thread, which shares its carrier with every other client's and is
 * never preempted; the first read of a vector set (reading its elements from its namespace), the open of a namespace
 * (recovering it from its log), and the open again of one closed as idle must not run there. So a fast command that
 * would load a set or open a namespace runs on the pool of command threads instead (counted by INFO stats'
 * {@code total_commands_on_command_pool}), and one whose set is loaded and namespace open stays on its connection's
 * thread. {@link CountedLoads} sees on which thread each load ran. On the code before, VCARD, VDIM, VINFO, VEMB,
 * VGETATTR, VISMEMBER, TYPE, EXISTS, UNLINK, DBSIZE and SELECT loaded sets and opened namespaces on the connection's
 * thread (no count on the pool; loads on virtual threads); and a VADD found light whose set was dropped before it ran
 * loaded it again there.
 */
class FastCommandsOpenNothingOnTheConnectionThreadTest {

  @TempDir Path dir;

  private final PoolCount pool = new PoolCount();

  private AeonServer start(Duration namespaceIdle) throws Exception {
    return TestServer.startSync(dir, namespaceIdle);
  }

  private AeonServer start() throws Exception {
    return start(Duration.ofHours(1));
  }


  /** The fast reads of one set, each given the key and element "a" where it takes one. */
  private static final List<List<String>> FAST_READS = List.of(
      List.of("VCARD", "k"), List.of("VDIM", "k"), List.of("VINFO", "k"), List.of("VEMB", "k", "a"),
      List.of("VGETATTR", "k", "a"), List.of("VISMEMBER", "k", "a"), List.of("TYPE", "k"), List.of("EXISTS", "k"));

  private static Object[] withKey(List<String> command, String key) {
    return command.stream().map(a -> a.equals("k") ? key : a).toArray();
  }

  /**
   * After a restart no set is loaded and no namespace open: the first fast read of each set loads it on the pool, and
   * every fast read after it runs on the connection's thread; SELECT of a namespace on disk opens it on the pool, and
   * of one open already (or of none on disk, which opens nothing) runs on the connection's thread.
   */
  @Test
  void aFastReadThatLoadsASetOrOpensANamespaceRunsOnThePool() throws Exception {
    try (AeonServer server = start(); RespClient c = new RespClient(server.port())) {
      for (int i = 0; i < FAST_READS.size(); i++) {
        assertEquals(1L, c.call("VADD", "set" + i, "VALUES", "3", "1", "0", "0", "a", "SETATTR", "{\"i\": 1}"));
      }
      assertEquals("OK", c.call("SELECT", "agent"));
      assertEquals(1L, c.call("MEM.ADD", "s", "user", "hello", "VECTOR", "VALUES", "3", "1", "0", "0"));
    }
    try (AeonServer server = start(); RespClient c = new RespClient(server.port());
        CountedLoads loads = CountedLoads.start()) {
      long pooled = pool.of(c);
      for (int i = 0; i < FAST_READS.size(); i++) {
        List<String> read = FAST_READS.get(i);
        Object first = c.call(withKey(read, "set" + i));
        assertEquals(++pooled, pool.of(c), read.getFirst() + " of a set not loaded yet ran on the pool");
        assertEquals(first, c.call(withKey(read, "set" + i)), read.getFirst() + " again");
        for (List<String> other : FAST_READS) {
          assertTrue(!(c.call(withKey(other, "set" + i)) instanceof RespClient.Err), other.getFirst());
        }
        assertEquals(pooled, pool.of(c), "every fast read of the loaded set " + i + " ran on the connection's thread");
      }
      assertEquals(FAST_READS.size(), loads.count(), "each set loaded once");
      assertEquals(0, loads.onVirtualThreads(), "sets loaded on a connection's thread");

      assertEquals(0L, c.call("VCARD", "nosuchkey"));
      assertEquals(++pooled, pool.of(c), "a key not in memory is looked up in the namespaces on the pool");
      assertEquals(2L, c.call("EXISTS", "set0", "set1"));
      assertEquals(pooled, pool.of(c), "EXISTS of loaded sets: the connection's thread");

      assertEquals("OK", c.call("SELECT", "agent"));
      assertEquals(++pooled, pool.of(c), "SELECT of a namespace on disk, not open: opened on the pool");
      try (RespClient other = new RespClient(server.port())) {
        assertEquals("OK", other.call("SELECT", "agent"));
        assertEquals("OK", other.call("SELECT", "nowhere"));
      }
      assertEquals(pooled, pool.of(c), "SELECT of an open namespace, or of none: the connection's thread");
    }
  }

  /**
   * DBSIZE runs on the pool, whether or not the namespaces holding the client namespace's sets are open: it finds them
   * by listing the memory directory's namespaces, one entry each of every client's (and stats each), file-system work
   * as long as the server has namespaces. On the code before, the second DBSIZE, its namespaces open, ran on the
   * connection's thread.
   */
  @Test
  void aDbsizeRunsOnThePool() throws Exception {
    try (AeonServer server = start(); RespClient c = new RespClient(server.port())) {
      assertEquals(1L, c.call("VADD", "three", "VALUES", "3", "1", "0", "0", "a"));
      assertEquals(1L, c.call("VADD", "four", "VALUES", "4", "1", "0", "0", "0", "a"));
    }
    try (AeonServer server = start(); RespClient c = new RespClient(server.port())) {
      long pooled = pool.of(c);
      assertEquals(2L, c.call("DBSIZE"));
      assertEquals(pooled + 1, pool.of(c), "DBSIZE opening the sets' namespaces ran on the pool");
      assertEquals(2L, c.call("DBSIZE"));
      assertEquals(pooled + 2, pool.of(c), "DBSIZE with them open, listing the memory directory, ran on the pool");
      assertEquals("OK", c.call("SELECT", "other"));
      assertEquals(0L, c.call("DBSIZE"));
      assertEquals(pooled + 3, pool.of(c), "DBSIZE of a namespace without sets ran on the pool");
    }
  }

  /** A set whose namespace closed as idle: a fast read that opens it again runs on the pool, and answers as before. */
  @Test
  void aFastReadOfASetWhoseNamespaceClosedAsIdleRunsOnThePool() throws Exception {
    try (AeonServer server = start(Duration.ofMillis(100)); RespClient c = new RespClient(server.port())) {
      assertEquals(1L, c.call("VADD", "set", "VALUES", "3", "1", "0", "0", "a", "SETATTR", "{\"i\": 1}"));
      assertEquals(1L, c.call("VADD", "set", "VALUES", "3", "0", "1", "0", "b"));
      TestServer.awaitClosedAsIdle(server, "default.vset-d3");
      long before = pool.of(c);
      assertEquals(2L, c.call("VCARD", "set"));
      assertEquals(before + 1, pool.of(c), "VCARD opening the set's namespace again ran on the pool");
      TestServer.awaitClosedAsIdle(server, "default.vset-d3");
      assertEquals("{\"i\": 1}", c.call("VGETATTR", "set", "a"));
      assertEquals(before + 2, pool.of(c), "VGETATTR opening the set's namespace again ran on the pool");
    }
  }

  /** SELECT of a namespace closed as idle opens it again on the pool. */
  @Test
  void aSelectOfANamespaceClosedAsIdleRunsOnThePool() throws Exception {
    try (AeonServer server = start(Duration.ofMillis(100)); RespClient c = new RespClient(server.port());
        RespClient other = new RespClient(server.port())) {
      assertEquals("OK", c.call("SELECT", "agent"));
      assertEquals(1L, c.call("MEM.ADD", "s", "user", "hello", "VECTOR", "VALUES", "3", "1", "0", "0"));
      TestServer.awaitClosedAsIdle(server, "agent");
      long before = pool.of(other);
      assertEquals("OK", other.call("SELECT", "agent"));
      assertEquals(before + 1, pool.of(other), "SELECT opening the namespace again ran on the pool");
      assertTrue(!(other.call("MEM.GET", "1") instanceof RespClient.Err), "the namespace answers");
    }
  }

  /**
   * UNLINK runs on the pool, as DEL does: of several keys, run on the connection's thread, it would find one of its
   * sets to load only after it deleted those before, and could not be run again on the pool from its start; of one
   * loaded set, its delete removes every element's vector from the index and forgets every event of the set (work that
   * grows with the set, where Redis' UNLINK is the delete that does not block on a large key), and inside a pipeline it
   * was a write run back to back with the next ones on the carrier. EXISTS of several loaded sets stays on the
   * connection's thread. On the code before, UNLINK of one loaded set ran on the connection's thread.
   */
  @Test
  void anUnlinkRunsOnThePool() throws Exception {
    try (AeonServer server = start(); RespClient c = new RespClient(server.port())) {
      for (String key : List.of("a", "b", "c")) {
        assertEquals(1L, c.call("VADD", key, "VALUES", "3", "1", "0", "0", "e"));
        assertEquals(1L, c.call("VCARD", key)); // loaded
      }
      long before = pool.of(c);
      assertEquals(3L, c.call("EXISTS", "a", "b", "c"));
      assertEquals(before, pool.of(c), "EXISTS of loaded sets ran on the connection's thread");
      assertEquals(2L, c.call("UNLINK", "a", "b"));
      assertEquals(before + 1, pool.of(c), "UNLINK of two keys ran on the pool");
      assertEquals(1L, c.call("UNLINK", "c"));
      assertEquals(before + 2, pool.of(c), "UNLINK of one loaded set ran on the pool");
      assertEquals(0L, c.call("DBSIZE"));
    }
  }

  /**
   * A pipeline of fast reads, some loading their sets (on the pool) and some not, between other fast commands: the
   * replies come in the order of the commands, and no load runs on the connection's thread.
   */
  @Test
  void aPipelineOfFastReadsThatLoadIsAnsweredInOrder() throws Exception {
    try (AeonServer server = start(); RespClient c = new RespClient(server.port())) {
      for (int i = 0; i < 4; i++) {
        assertEquals(1L, c.call("VADD", "set" + i, "VALUES", "3", "1", "0", "0", "a", "SETATTR", "{\"i\": " + i + "}"));
      }
    }
    try (AeonServer server = start(); RespClient c = new RespClient(server.port());
        CountedLoads loads = CountedLoads.start()) {
      ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
      for (int i = 0; i < 4; i++) {
        pipeline.write(RespClient.encode("VGETATTR", "set" + i, "a"));
        pipeline.write(RespClient.encode("ECHO", "after " + i));
        pipeline.write(RespClient.encode("VCARD", "set" + i));
      }
      c.sendRaw(pipeline.toByteArray());
      for (int i = 0; i < 4; i++) {
        assertEquals("{\"i\": " + i + "}", c.read());
        assertEquals("after " + i, c.read());
        assertEquals(1L, c.read());
      }
      assertEquals(4, loads.count(), "each set loaded once");
      assertEquals(0, loads.onVirtualThreads(), "sets loaded on a connection's thread");
    }
  }
}
