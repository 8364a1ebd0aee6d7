package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.params.VAddParams;
import redis.clients.jedis.params.VSimParams;
import redis.clients.jedis.resps.RawVector;
import redis.clients.jedis.resps.VSimScoreAttribs;
import redis.clients.jedis.resps.VectorInfo;
import redis.clients.jedis.exceptions.JedisDataException;

/** The Redis 8 vector-set commands through Jedis' own vector-set API, in RESP2 and RESP3, and their errors. */
class VectorSetCommandsTest {

  @RegisterExtension static final SharedServer server = new SharedServer();

  static Jedis jedis(RedisProtocol protocol) {
    return server.jedis(protocol);
  }

  @Test
  void addSearchAndReadBackInBothProtocols() {
    for (RedisProtocol p : RedisProtocol.values()) {
      String key = "fruits-" + p;
      try (Jedis j = jedis(p)) {
        assertTrue(j.vadd(key, new float[] {1, 0, 0}, "apple",
            new VAddParams().setAttr("{\"color\":\"red\",\"price\":3}")));
        assertTrue(j.vadd(key, new float[] {0.9f, 0.1f, 0}, "cherry",
            new VAddParams().setAttr("{\"color\":\"red\",\"price\":9}")));
        assertTrue(j.vadd(key, new float[] {0, 1, 0}, "banana",
            new VAddParams().setAttr("{\"color\":\"yellow\",\"price\":1}")));
        assertTrue(j.vadd(key, new float[] {0, 0, 1}, "plum"));
        assertFalse(j.vadd(key, new float[] {0, 0.2f, 1}, "plum")); // an update: 0, as in Redis
        assertEquals(4, j.vcard(key));
        assertEquals(3, j.vdim(key));
        assertTrue(j.vismember(key, "apple"));
        assertFalse(j.vismember(key, "kiwi"));

        assertEquals(List.of("apple", "cherry", "banana"),
            j.vsim(key, new float[] {1, 0.05f, 0}, new VSimParams().count(3)));
        assertEquals(List.of("banana"), j.vsimByElement(key, "banana", new VSimParams().count(1)));
        Map<String, Double> scored = j.vsimWithScores(key, new float[] {1, 0, 0}, new VSimParams().count(2));
        assertEquals(1.0, scored.get("apple"), 1e-5);
        assertTrue(scored.get("cherry") < 1.0 && scored.get("cherry") > 0.9, scored.toString());
        assertEquals(List.of("apple", "cherry"),
            j.vsim(key, new float[] {1, 0, 0}, new VSimParams().filter(".color == \"red\" and .price > 2").count(5)));
        assertEquals(List.of("banana"), j.vsim(key, new float[] {1, 0, 0}, new VSimParams().filter(".price < 2")));
        Map<String, VSimScoreAttribs> withAttrs = j.vsimWithScoresAndAttribs(key, new float[] {0, 1, 0},
            new VSimParams().count(1));
        assertEquals("{\"color\":\"yellow\",\"price\":1}", withAttrs.get("banana").getAttributes());
        assertEquals(1.0, withAttrs.get("banana").getScore(), 1e-5);

        List<Double> emb = j.vemb(key, "apple");
        assertEquals(3, emb.size());
        assertEquals(1.0, emb.get(0), 0.01);
        RawVector raw = j.vembRaw(key, "apple");
        assertEquals("int8", raw.getQuantizationType());
        assertEquals(3, raw.getRawData().length);
        assertNull(j.vemb(key, "kiwi"));

        VectorInfo info = j.vinfo(key);
        assertEquals(3L, info.getDimensionality());
        assertEquals(4L, info.getSize());
        assertEquals("int8", info.getType());

        assertEquals("{\"color\":\"red\",\"price\":3}", j.vgetattr(key, "apple"));
        assertTrue(j.vsetattr(key, "apple", "{\"color\":\"green\"}"));
        assertEquals("{\"color\":\"green\"}", j.vgetattr(key, "apple"));
        assertFalse(j.vsetattr(key, "kiwi", "{}"));
        assertTrue(j.vsetattr(key, "apple", ""));
        assertNull(j.vgetattr(key, "apple"));
        assertEquals(List.of("cherry"),
            j.vsim(key, new float[] {1, 0, 0}, new VSimParams().filter(".color == \"red\"")));

        assertEquals(new HashSet<>(List.of("apple", "cherry", "banana", "plum")),
            new HashSet<>(j.vrandmember(key, 10)));
        assertEquals(7, j.vrandmember(key, -7).size());

        assertTrue(j.vrem(key, "apple"));
        assertFalse(j.vrem(key, "apple"));
        assertEquals(3, j.vcard(key));
        for (String e : List.of("cherry", "banana", "plum")) {
          assertTrue(j.vrem(key, e));
        }
        assertEquals(0, j.vcard(key)); // an emptied set no longer exists, as in Redis
        assertNull(j.vinfo(key));
        JedisDataException e = assertThrows(JedisDataException.class, () -> j.vdim(key));
        assertEquals("ERR key does not exist", e.getMessage());
      }
    }
  }

  @Test
  void noquantKeepsExactFloatsAndFp32BlobsWork() {
    try (Jedis j = jedis(RedisProtocol.RESP3)) {
      float[] v = {0.125f, -3.5f, 7.25f, 1e-3f};
      assertTrue(j.vaddFP32("exact", fp32(v), "x", new VAddParams().noQuant()));
      List<Double> back = j.vemb("exact", "x");
      for (int i = 0; i < v.length; i++) {
        assertEquals(v[i], back.get(i).floatValue());
      }
      assertEquals("f32", j.vembRaw("exact", "x").getQuantizationType());
      JedisDataException e = assertThrows(JedisDataException.class,
          () -> j.vadd("exact", new float[] {1, 2, 3, 4}, "y", new VAddParams().q8()));
      assertTrue(e.getMessage().startsWith("ERR asked quantization mismatch"), e.getMessage());
    }
  }

  /**
   * An element keeps its vector among its attributes, whose 32,760 bytes hold at most 6,135 dimensions with
   * NOQUANT and 24,541 with Q8. A larger vector without SETATTR was refused by the engine as "attributes take
   * more than 32760 bytes encoded; store large values as text", blaming attributes the client never gave.
   */
  @Test
  void aVectorTooLargeToStoreIsRefusedSayingWhy() {
    try (Jedis j = jedis(RedisProtocol.RESP3)) {
      String limits = "an element keeps its vector in its attributes, whose 32760 bytes hold at most 6135 dimensions"
          + " with NOQUANT and 24541 with Q8";
      assertTrue(j.vaddFP32("big-f32", fp32(ramp(6_135)), "e", new VAddParams().noQuant()));
      assertTrue(j.vaddFP32("big-q8", fp32(ramp(24_541)), "e", new VAddParams().q8()));
      assertEquals(6_135, j.vemb("big-f32", "e").size());
      for (int dim : new int[] {6_136, 10_000}) {
        JedisDataException e = assertThrows(JedisDataException.class,
            () -> j.vaddFP32("too-big", fp32(ramp(dim)), "e", new VAddParams().noQuant()));
        assertEquals("ERR a vector of " + dim + " dimensions is too large for NOQUANT: " + limits, e.getMessage());
      }
      for (int dim : new int[] {24_542, 30_000}) {
        JedisDataException e = assertThrows(JedisDataException.class,
            () -> j.vaddFP32("too-big", fp32(ramp(dim)), "e"));
        assertEquals("ERR a vector of " + dim + " dimensions is too large for Q8: " + limits, e.getMessage());
      }
      assertFalse(j.exists("too-big"), "nothing was written");
    }
  }

  private static float[] ramp(int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = 1 + i % 7;
    }
    return v;
  }

  @Test
  void errorsAreClear() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      assertEquals(1L, c.call("VADD", "errs", "VALUES", "2", "1", "0", "a"));
      assertEquals(new RespClient.Err("ERR Vector dimension mismatch - got 3 but set has 2"),
          c.call("VADD", "errs", "VALUES", "3", "1", "0", "0", "b"));
      assertEquals(new RespClient.Err("ERR Vector dimension mismatch - got 3 but set has 2"),
          c.call("VSIM", "errs", "VALUES", "3", "1", "0", "0"));
      assertEquals(new RespClient.Err("ERR the zero vector has no direction and cannot be indexed or searched"),
          c.call("VADD", "errs", "VALUES", "2", "0", "0", "z"));
      // every component is a float, but the norm is not: VEMB would answer inf
      assertTrue(((RespClient.Err) c.call("VADD", "huge", "VALUES", "2", "3e38", "3e38", "h")).message()
          .startsWith("ERR the vector's L2 norm, 4.24"), "a norm beyond a float");
      assertEquals(0L, c.call("EXISTS", "huge"));
      assertEquals(1L, c.call("VADD", "huge", "VALUES", "2", "2e38", "2e38", "h"));
      for (Object component : (List<?>) c.call("VEMB", "huge", "h")) {
        assertEquals(2e38, Double.parseDouble((String) component), 2e36, "Q8 within 1%");
      }
      // nor a nonzero number nearer to 0 than any double, which would be 0 (Redis' strtod refuses it as ERANGE)
      for (String notAFloat : new String[] {"x", "1 ", " 1", "1f", "0d", "NaN", "1e-400", "-2e-324", "0x0ep-2000",
          "1e400", "-1e400"}) { // beyond a double: Redis' strtod refuses it as ERANGE too (it takes "inf")
        assertEquals(new RespClient.Err("ERR value is not a valid float"),
            c.call("VADD", "errs", "VALUES", "2", "1", notAFloat, "b"), notAFloat);
      }
      assertEquals(1L, c.call("VADD", "two", "VALUES", "2", "1", "0x1p-3", "a"), "a hex float, as C reads it");
      assertEquals(new RespClient.Err("ERR value is not a valid float"),
          c.call("VSIM", "two", "VALUES", "2", "1", "0", "EPSILON", "1e400"), "not an infinite distance");
      // a double only rounded to a float (a subnormal double, to 0.0) is taken, as Redis takes it, and 0 is 0
      assertEquals(1L, c.call("VADD", "two", "VALUES", "2", "1", "4.9e-324", "tiny"));
      assertEquals(1L, c.call("VADD", "two", "VALUES", "2", "1", "0e-400", "zero"));
      assertEquals(new RespClient.Err("ERR count must be at most 1000000 in absolute value"),
          c.call("VRANDMEMBER", "two", "-9223372036854775808"));
      assertEquals(new RespClient.Err("ERR VALUES 5 needs 5 numbers, only 3 given"),
          c.call("VADD", "errs", "VALUES", "5", "1", "2", "b"));
      assertTrue(((RespClient.Err) c.call("VADD", "errs", "FP32", "abc", "b")).message().startsWith(
          "ERR FP32 blob must hold"));
      assertTrue(((RespClient.Err) c.call("VADD", "errs", "VALUES", "2", "1", "0", "b", "SETATTR", "{bad")).message()
          .startsWith("ERR invalid JSON"));
      assertEquals(new RespClient.Err("ERR element 'nope' not found in the vector set"),
          c.call("VSIM", "errs", "ELE", "nope"));
      assertTrue(((RespClient.Err) c.call("VSIM", "errs", "VALUES", "2", "1", "0", "FILTER", ".a >")).message()
          .startsWith("ERR syntax error in FILTER expression at position"));
      assertEquals(new RespClient.Err("ERR BIN quantization is not supported by this server: use Q8 or NOQUANT"),
          c.call("VADD", "errs", "VALUES", "2", "1", "0", "b", "BIN"));
      RespClient.Err reduce = new RespClient.Err("ERR REDUCE (random projection) is not supported by this server");
      assertEquals(reduce, c.call("VADD", "errs", "REDUCE", "1", "VALUES", "2", "1", "0", "b"));
      assertEquals(reduce, c.call("VADD", "errs", "VALUES", "2", "1", "0", "b", "REDUCE", "1"));
      assertTrue(((RespClient.Err) c.call("VSIM", "errs", "TEXT", "hello")).message().startsWith(
          "ERR TEXT needs an embedder"));
      // every argument is read before the TEXT is embedded: a bad option is its own error, not the embedder's
      assertEquals(new RespClient.Err("ERR unknown VSIM option 'BOGUS'"), c.call("VSIM", "errs", "TEXT", "hello",
          "BOGUS"));
      assertEquals(List.of(), c.call("VSIM", "nosuchkey", "VALUES", "2", "1", "0"));
      assertEquals(1L, c.call("VCARD", "errs"));
      assertEquals(List.of("a"), c.call("VSIM", "errs", "VALUES", "2", "1", "0.5", "COUNT", "5", "EF", "100", "TRUTH",
          "NOTHREAD"));
    }
  }

  /**
   * TRUTH is Redis' exact linear scan: with a FILTER it scans every element for the ones that pass, not only the
   * FILTER-EF nearest (COUNT x 100 by default), so an element that passes the filter is found however far it is.
   */
  @Test
  void truthWithAFilterScansEveryElement() throws Exception {
    try (Jedis j = jedis(RedisProtocol.RESP2)) {
      int n = 300; // more than COUNT x 100 for COUNT 1
      for (int i = 0; i < n; i++) {
        j.vadd("truth-filter", new float[] {1, i / (float) n}, "e" + i,
            new VAddParams().setAttr(i == n - 1 ? "{\"rare\":1}" : "{\"rare\":0}"));
      }
      String last = "e" + (n - 1); // the farthest from the query and the only one that passes
      assertEquals(List.of(last), j.vsim("truth-filter", new float[] {1, 0},
          new VSimParams().count(1).filter(".rare == 1").ef(1).truth()));
    }
    try (RespClient c = new RespClient(server.port())) { // Jedis 8.0.2 spells FILTER-EF "FILTER_EF", so by hand
      assertEquals(List.of("e299"), c.call("VSIM", "truth-filter", "VALUES", "2", "1", "0", "COUNT", "5", "FILTER",
          ".rare == 1", "FILTER-EF", "1", "TRUTH"));
      assertEquals(List.of("e299"), c.call("VSIM", "truth-filter", "VALUES", "2", "1", "0", "COUNT", "1", "FILTER",
          ".rare == 1", "FILTER-EF", "300"), "a FILTER-EF as large as the set");
      // TRUTH is a flag, whatever follows it (Jedis sends it last)
      assertEquals(List.of("e299"), c.call("VSIM", "truth-filter", "VALUES", "2", "1", "0", "TRUTH", "EF", "8", "COUNT",
          "1", "FILTER", ".rare == 1"));
    }
  }

  /**
   * EPSILON is, as in Redis, any positive distance (scores are 1 - distance): 1 or more keeps every element, and
   * Redis' own default is 2. It was refused past 1.
   */
  @Test
  void epsilonTakesAnyPositiveDistance() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      assertEquals(1L, c.call("VADD", "eps", "VALUES", "2", "1", "0", "same"));
      assertEquals(1L, c.call("VADD", "eps", "VALUES", "2", "-1", "0", "opposite"));
      assertEquals(List.of("same"), c.call("VSIM", "eps", "VALUES", "2", "1", "0", "EPSILON", "0.5"));
      for (String wide : new String[] {"1", "2", "1e300"}) {
        assertEquals(List.of("same", "opposite"), c.call("VSIM", "eps", "VALUES", "2", "1", "0", "EPSILON", wide),
            wide);
      }
      for (String bad : new String[] {"0", "-0.5"}) {
        assertEquals(new RespClient.Err("ERR EPSILON must be positive"),
            c.call("VSIM", "eps", "VALUES", "2", "1", "0", "EPSILON", bad), bad);
      }
    }
  }

  @Test
  void namesThatAreNotUtf8AreRefusedNotMerged() throws Exception {
    byte[] ff = {(byte) 0xff};
    byte[] fe = {(byte) 0xfe};
    String badElement = "ERR the element name is not valid UTF-8";
    String badKey = "ERR the key is not valid UTF-8";
    try (RespClient c = new RespClient(server.port())) {
      assertTrue(err(c.call("VADD", "bin", "VALUES", "2", "1", "0", ff)).startsWith(badElement));
      assertTrue(err(c.call("VADD", "bin", "VALUES", "2", "0", "1", fe)).startsWith(badElement));
      assertTrue(err(c.call("VADD", fe, "VALUES", "2", "0", "1", "e")).startsWith(badKey));
      assertEquals(1L, c.call("VADD", "bin", "VALUES", "2", "1", "1", "é✓")); // valid UTF-8 is fine
      assertEquals(1L, c.call("VCARD", "bin"));
      assertEquals(List.of("é✓"), c.call("VSIM", "bin", "VALUES", "2", "1", "1"));
      assertTrue(err(c.call("VSIM", "bin", "ELE", ff)).startsWith(badElement));
      assertTrue(err(c.call("VISMEMBER", "bin", ff)).startsWith(badElement));
      assertTrue(err(c.call("VREM", "bin", ff)).startsWith(badElement));
      assertTrue(err(c.call("VCARD", ff)).startsWith(badKey));
      assertTrue(err(c.call("MEM.ADD", ff, "user", "x", "VECTOR", "VALUES", "2", "1", "0"))
          .startsWith("ERR the session is not valid UTF-8"));
      // what a statement, a parameter or attributes hold is compared as text too: "\xff" is not "\ufffd"
      assertEquals(1L, c.call("MEM.ADD", "s", "user", "\ufffd", "VECTOR", "VALUES", "2", "1", "0"));
      assertTrue(err(c.call("MEM.QUERY", bytes("MATCH (e) WHERE e.text = '", ff, "' RETURN e.id")))
          .startsWith("ERR the statement is not valid UTF-8"));
      assertTrue(err(c.call("MEM.QUERY", "MATCH (e) WHERE e.text = $p RETURN e.id", "p", fe))
          .startsWith("ERR the value of $p is not valid UTF-8"));
      assertTrue(err(c.call("MEM.QUERY", "MATCH (e) RETURN e.id", ff, "1")).startsWith("ERR a parameter name is not"));
      assertTrue(err(c.call("MEM.RECALL", "VALUES", "2", "1", "0", "WHERE", "n", ff))
          .startsWith("ERR a WHERE value is not valid UTF-8"));
      assertTrue(err(c.call("MEM.SETATTR", "1", bytes("{\"a\":\"", ff, "\"}")))
          .startsWith("ERR the attributes' JSON is not valid UTF-8"));
      assertTrue(err(c.call("VSETATTR", "bin", "é✓", bytes("{\"a\":\"", ff, "\"}")))
          .startsWith("ERR the attributes' JSON is not valid UTF-8"));
      assertTrue(err(c.call("VSIM", "bin", "VALUES", "2", "1", "1", "FILTER", bytes(".a == '", ff, "'")))
          .startsWith("ERR the filter is not valid UTF-8"));
    }
  }

  /** Text and raw bytes joined into one argument. */
  private static byte[] bytes(String before, byte[] raw, String after) {
    byte[] a = before.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] b = after.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] out = java.util.Arrays.copyOf(a, a.length + raw.length + b.length);
    System.arraycopy(raw, 0, out, a.length, raw.length);
    System.arraycopy(b, 0, out, a.length + raw.length, b.length);
    return out;
  }

  static String err(Object reply) {
    return assertInstanceOf(RespClient.Err.class, reply).message();
  }

  @Test
  void setsSurviveARestartAndNamespacesAreSeparate(@TempDir Path own) throws Exception {
    Random rnd = new Random(5);
    float[][] vs = new float[200][16];
    try (AeonServer s = TestServer.start(own)) {
      try (Jedis j = TestServer.jedis(s, RedisProtocol.RESP2)) {
        for (int i = 0; i < vs.length; i++) {
          for (int d = 0; d < 16; d++) {
            vs[i][d] = (float) rnd.nextGaussian();
          }
          j.vadd("persist", vs[i], "e" + i, new VAddParams().noQuant().setAttr("{\"i\":" + i + "}"));
        }
        j.vadd("persist", vs[7], "e0", new VAddParams().noQuant()); // replace e0's vector, keeping its attributes
        j.select(1);
        j.vadd("persist", new float[] {1, 2}, "other");
        assertEquals(1, j.vcard("persist"));
      }
    }
    try (AeonServer s = TestServer.start(own); Jedis j = TestServer.jedis(s, RedisProtocol.RESP2)) {
      assertEquals(200, j.vcard("persist"));
      assertEquals(16, j.vdim("persist"));
      for (int i : new int[] {1, 50, 199}) {
        List<Double> back = j.vemb("persist", "e" + i);
        for (int d = 0; d < 16; d++) {
          assertEquals(vs[i][d], back.get(d).floatValue());
        }
        assertEquals("{\"i\":" + i + "}", j.vgetattr("persist", "e" + i));
        assertEquals("e" + i, j.vsim("persist", vs[i], new VSimParams().count(1)).getFirst());
      }
      assertEquals("{\"i\":0}", j.vgetattr("persist", "e0"));
      assertArrayEquals(new Object[] {(double) vs[7][0]}, new Object[] {j.vemb("persist", "e0").getFirst()});
      j.select(1);
      assertEquals(1, j.vcard("persist"));
      assertEquals(2, j.vdim("persist"));
    }
  }

  /**
   * The generic key commands on vector sets, the only keys of this server: DEL and UNLINK delete a whole set
   * (and nothing of another namespace), EXISTS counts, TYPE names the type; a deleted set stays deleted after a
   * restart, and its name can be used again, with another dimension too.
   */
  @Test
  void delExistsAndTypeWorkOnVectorSets(@TempDir Path own) throws Exception {
    try (AeonServer s = TestServer.start(own); Jedis j = TestServer.jedis(s, RedisProtocol.RESP2)) {
      for (int i = 0; i < 50; i++) {
        j.vadd("a", new float[] {1, i, 0}, "e" + i);
        j.vadd("b", new float[] {0, 1, i}, "e" + i);
      }
      j.vadd("c", new float[] {1, 2}, "only");
      j.select(1);
      j.vadd("a", new float[] {1, 0, 0}, "elsewhere");
      j.select(0);
      assertEquals("vectorset", j.type("a"));
      assertEquals("none", j.type("missing"));
      assertEquals(3, j.exists("a", "b", "a", "missing"));
      assertEquals(2, j.del("a", "missing", "c"));
      assertEquals(0, j.del("a"));
      assertEquals(1, j.unlink("b"));
      assertEquals(0, j.exists("a", "b", "c"));
      assertEquals("none", j.type("a"));
      assertEquals(0, j.vcard("a"));
      assertEquals(List.of(), j.vsim("a", new float[] {1, 0, 0}, new VSimParams().count(5)));
      j.vadd("c", new float[] {1, 2, 3, 4}, "again"); // a deleted set's name takes any dimension
      assertEquals(4, j.vdim("c"));
      j.select(1);
      assertEquals(1, j.vcard("a"), "DEL in namespace 0 deleted a set of namespace 1");
    }
    try (AeonServer s = TestServer.start(own); Jedis j = TestServer.jedis(s, RedisProtocol.RESP2)) {
      assertTrue(j.exists("c"));
      assertEquals(0, j.exists("a", "b"));
      assertEquals(List.of(), j.vsim("a", new float[] {1, 0, 0}, new VSimParams().count(5)));
      assertEquals(1, j.vcard("c"));
      j.select(1);
      assertTrue(j.exists("a"));
    }
  }

  static byte[] fp32(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    return b.array();
  }

  @Test
  void resp3ScoresAreDoubles() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      c.call("VADD", "r3", "VALUES", "2", "1", "0", "a");
      List<?> flat = assertInstanceOf(List.class, c.call("VSIM", "r3", "VALUES", "2", "1", "0", "WITHSCORES"));
      assertEquals("a", flat.get(0));
      assertEquals(1.0, Double.parseDouble((String) flat.get(1)), 1e-6); // RESP2: a bulk string
      c.call("HELLO", "3");
      Map<?, ?> m = assertInstanceOf(Map.class, c.call("VSIM", "r3", "VALUES", "2", "1", "0", "WITHSCORES"));
      assertEquals(1.0, assertInstanceOf(RespClient.Dbl.class, m.get("a")).value(), 1e-6);
    }
  }

  /** The reply types of Redis' vset.c: booleans, a null bulk string, an empty array for a missing key. */
  @Test
  void replyTypesAreRedis() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      c.call("VADD", "types", "VALUES", "2", "1", "0", "a");
      c.send("VEMB", "nokey", "x"); // ReplyWithNull: $-1 in RESP2, not *-1
      assertEquals("$-1", c.rawLine());
      c.send("VEMB", "types", "x");
      assertEquals("$-1", c.rawLine());
      c.send("VINFO", "nokey"); // ReplyWithNullArray
      assertEquals("*-1", c.rawLine());
      assertEquals(List.of(), c.call("VSIM", "nokey", "ELE", "x"));
      assertEquals(0L, c.call("VISMEMBER", "types", "x")); // RESP2 booleans are integers

      c.call("HELLO", "3");
      assertEquals(true, c.call("VADD", "types", "VALUES", "2", "0", "1", "b"));
      assertEquals(false, c.call("VADD", "types", "VALUES", "2", "0", "1", "b"));
      assertEquals(true, c.call("VISMEMBER", "types", "b"));
      assertEquals(false, c.call("VISMEMBER", "types", "x"));
      assertEquals(false, c.call("VISMEMBER", "nokey", "x"));
      assertEquals(true, c.call("VSETATTR", "types", "b", "{\"n\":1}"));
      assertEquals(false, c.call("VSETATTR", "types", "x", "{\"n\":1}"));
      assertEquals(true, c.call("VREM", "types", "b"));
      assertEquals(false, c.call("VREM", "types", "b"));
      assertEquals(false, c.call("VREM", "nokey", "b"));
      assertEquals(List.of(), c.call("VSIM", "nokey", "ELE", "x"));
      assertTrue(err(c.call("VSIM", "types", "ELE", "x")).startsWith("ERR element 'x' not found"));
    }
  }

  /**
   * Redis' VEMB reads every argument after the element as an option, so RAW may be named more than once (a
   * client that adds it to a command that has it already); anything else is refused before the key is read.
   */
  @Test
  void vembTakesRawMoreThanOnceAsRedisDoes() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      c.call("VADD", "raw-twice", "VALUES", "2", "1", "0", "a", "NOQUANT");
      Object raw = c.call("VEMB", "raw-twice", "a", "RAW");
      assertEquals("f32", ((List<?>) raw).getFirst());
      assertEquals(raw, c.call("VEMB", "raw-twice", "a", "RAW", "raw"));
      assertEquals(raw, c.call("VEMB", "raw-twice", "a", "raw", "RAW", "Raw"));
      assertEquals(new RespClient.Err("ERR syntax error"), c.call("VEMB", "raw-twice", "a", "RAW", "FOO"));
      assertEquals(new RespClient.Err("ERR syntax error"), c.call("VEMB", "nokey", "a", "FOO", "RAW"));
    }
  }

  /**
   * Redis' VSIM answers a missing key with an empty array before it reads the query: a malformed vector or
   * option, or a TEXT on a server without an embedder, gets the empty array too, while a set that exists
   * refuses them. They were refused here on a missing key as well.
   */
  @Test
  void vsimOfAMissingKeyIsEmptyBeforeTheQueryIsRead() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      List<List<String>> queries = List.of(
          List.of("VALUES", "abc", "1"),
          List.of("VALUES", "2", "1", "0", "COUNT", "0"),
          List.of("VALUES", "2", "1", "0", "FILTER", ".a >"),
          List.of("VALUES", "2", "1", "0", "BOGUS"),
          List.of("FOO", "BAR"),
          List.of("TEXT", "hello"));
      c.call("VADD", "exists", "VALUES", "2", "1", "0", "a");
      for (List<String> query : queries) {
        List<String> onMissing = new ArrayList<>(List.of("VSIM", "missing"));
        onMissing.addAll(query);
        assertEquals(List.of(), c.call(onMissing.toArray()), query.toString());
        List<String> onExisting = new ArrayList<>(List.of("VSIM", "exists"));
        onExisting.addAll(query);
        assertInstanceOf(RespClient.Err.class, c.call(onExisting.toArray()), query.toString());
      }
      assertEquals(0L, c.call("EXISTS", "missing"));
    }
  }

  /** Where docs/server.md says this server differs from Redis' vector sets, it does as it says. */
  @Test
  void theDocumentedDifferencesFromRedisHold() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      assertEquals(1L, c.call("VADD", "differs", "VALUES", "2", "1", "0", "a", "NOQUANT"));
      assertEquals(1L, c.call("VADD", "differs", "VALUES", "2", "0", "1", "b"), "the set's quantization, not Q8");
      assertEquals("f32", ((List<?>) c.call("VEMB", "differs", "b", "RAW")).getFirst());
      assertTrue(err(c.call("VADD", "differs", "VALUES", "2", "0", "1", "c", "Q8")).startsWith(
          "ERR asked quantization mismatch"));
      assertEquals(new RespClient.Err("ERR attributes must be a JSON object, got: [1]"),
          c.call("VSETATTR", "differs", "a", "[1]"));
      // as in Redis, a missing key or element answers false before the JSON is read
      assertEquals(0L, c.call("VSETATTR", "differs", "nope", "[1]"));
      assertEquals(0L, c.call("VSETATTR", "nokey", "a", "{\"a\":1,\"a\":2}"));
      assertEquals(0L, c.call("VSETATTR", "differs", "nope", ""));
      assertEquals(0L, c.call("VSETATTR", "differs", "nope", new byte[] {'{', (byte) 0xff, '}'}));
      assertEquals(1L, c.call("VADD", "differs", "VALUES", "2", "1", "1", "d", "SETATTR", ""));
      c.send("VGETATTR", "differs", "d");
      assertEquals("$-1", c.rawLine());
      for (String command : new String[] {"VLINKS", "VRANGE"}) {
        assertTrue(err(c.call(command, "differs", "a", "b")).startsWith("ERR unknown command"), command);
      }
    }
  }

  /**
   * VSIM runs on the compute pool, where a reply may not be sent part by part: one many times longer than
   * the connection's buffer arrives whole and in order, and the connection goes on serving.
   */
  @Test
  void aReplyLongerThanTheBufferComesWholeFromTheComputePool() {
    try (Jedis j = jedis(RedisProtocol.RESP2)) {
      int n = 400;
      String pad = "-".repeat(120);
      for (int i = 0; i < n; i++) {
        j.vadd("long-reply", new float[] {1, i / (float) n}, "element-" + i + pad);
      }
      List<String> names = j.vsim("long-reply", new float[] {1, 0}, new VSimParams().count(n));
      assertEquals(n, names.size());
      assertEquals(n, new HashSet<>(names).size());
      assertEquals("element-0" + pad, names.get(0));
      assertEquals("element-" + (n - 1) + pad, names.get(n - 1));
      assertTrue(names.stream().mapToInt(String::length).sum() > 3 * (16 << 10));
      assertEquals("PONG", j.ping());
    }
  }
}
