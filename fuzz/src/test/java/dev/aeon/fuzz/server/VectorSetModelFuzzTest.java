package dev.aeon.fuzz.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.aeon.engine.Durability;
import dev.aeon.fuzz.FuzzFiles;
import dev.aeon.server.AeonServer;
import dev.aeon.server.ServerConfig;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The vector-set commands against a model of what they answer (docs/server.md, "Vector sets"): a sequence of
 * VADD, VREM, VSETATTR, VGETATTR, VCARD, VDIM, VEMB, VINFO, VISMEMBER, VRANDMEMBER, VSIM, DEL, DBSIZE and
 * restarts of the server, on a few keys and elements of 2 or 3 dimensions, over a real connection to a real
 * server. Every reply is the model's (VEMB of a Q8 set within its quantization error); VSIM's members exist, are
 * distinct and no more than asked, exactly as many as there are (matching the filter) with TRUTH. Each input
 * starts from an empty namespace (FLUSHDB), so that a failing input replays alone. Regression mode runs in the
 * normal build; {@code JAZZER_FUZZ=1} fuzzes.
 */
class VectorSetModelFuzzTest {

  private static final String[] KEYS = {"k1", "k2", "ключ"};
  private static final String[] ELEMENTS = {"a", "b", "c", "é", "日本"};
  /** Attributes: valid objects, "" (removes them), and texts refused as not a JSON object or not JSON. */
  private static final String[] JSON = {"{\"year\":1980}", "{\"genre\":\"drama\",\"n\":1.5}", "{}", "",
      "[1]", "{\"a\":1,\"a\":2}", "{bad"};
  private static final Set<String> VALID_JSON = Set.of("{\"year\":1980}", "{\"genre\":\"drama\",\"n\":1.5}", "{}", "");
  /** The only attributes FILTER .year > 1970 matches. */
  private static final String YEAR = "{\"year\":1980}";

  private static final Path DIR;
  private static final ServerConfig CONFIG;
  private static AeonServer server;
  private static OwnServerConnection connection;

  static {
    try {
      DIR = FuzzFiles.tempDirectory("aeon-vset-model-fuzz");
      ServerConfig c = ServerConfig.defaults().withAddress(InetAddress.getLoopbackAddress(), 0).withDir(DIR);
      CONFIG = c.withEngine(c.engine().withDurability(Durability.OFF));
      server = AeonServer.start(CONFIG);
      connect();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  static void cleanUp() throws IOException {
    connection.close();
    server.close();
    FuzzFiles.deleteTree(DIR);
  }

  /** What the model holds of one set. */
  private static final class ModelSet {
    final int dim;
    final boolean noquant;
    final Map<String, float[]> vectors = new LinkedHashMap<>();
    final Map<String, String> json = new LinkedHashMap<>(); // absent: no attributes

    ModelSet(int dim, boolean noquant) {
      this.dim = dim;
      this.noquant = noquant;
    }
  }

  private record Err(String message) {}

  @FuzzTest(maxDuration = "60s")
  void vectorSetCommandsAnswerAsTheModel(FuzzedDataProvider data) throws IOException {
    Map<String, ModelSet> model = new LinkedHashMap<>();
    List<String> log = new ArrayList<>();
    assertEquals("OK", call(log, "FLUSHDB"));
    int steps = data.consumeInt(1, 40);
    for (int s = 0; s < steps && data.remainingBytes() > 0; s++) {
      String key = KEYS[data.consumeInt(0, KEYS.length - 1)];
      String element = ELEMENTS[data.consumeInt(0, ELEMENTS.length - 1)];
      ModelSet set = model.get(key);
      switch (data.consumeInt(0, 14)) {
        case 0, 1, 2 -> vadd(data, model, log, key, element);
        case 3 -> {
          boolean had = set != null && set.vectors.remove(element) != null;
          if (had) {
            set.json.remove(element);
            if (set.vectors.isEmpty()) {
              model.remove(key);
            }
          }
          assertEquals(had ? 1L : 0L, call(log, "VREM", key, element), log::toString);
        }
        case 4 -> {
          String json = JSON[data.consumeInt(0, JSON.length - 1)];
          Object reply = call(log, "VSETATTR", key, element, json);
          if (set == null || !set.vectors.containsKey(element)) {
            assertEquals(0L, reply, log::toString); // before the JSON is read, as in Redis
          } else if (!VALID_JSON.contains(json)) {
            assertInstanceOf(Err.class, reply, log::toString);
          } else {
            assertEquals(1L, reply, log::toString);
            setJson(set, element, json);
          }
        }
        case 5 -> assertEquals(set == null ? null : set.json.get(element), call(log, "VGETATTR", key, element),
            log::toString);
        case 6 -> assertEquals(set == null ? 0L : (long) set.vectors.size(), call(log, "VCARD", key), log::toString);
        case 7 -> {
          Object reply = call(log, "VDIM", key);
          if (set == null) {
            assertEquals(new Err("ERR key does not exist"), reply, log::toString);
          } else {
            assertEquals((long) set.dim, reply, log::toString);
          }
        }
        case 8 -> vemb(set, log, key, element);
        case 9 -> {
          Object reply = call(log, "VINFO", key);
          if (set == null) {
            assertNull(reply, log::toString);
          } else {
            List<?> info = assertInstanceOf(List.class, reply, log::toString);
            assertEquals(List.of("quant-type", set.noquant ? "f32" : "int8", "vector-dim", (long) set.dim, "size",
                (long) set.vectors.size()), info.subList(0, 6), log::toString);
          }
        }
        case 10 -> {
          assertEquals(set != null && set.vectors.containsKey(element) ? 1L : 0L, call(log, "VISMEMBER", key, element),
              log::toString);
          int count = data.consumeInt(-6, 6);
          List<?> members = assertInstanceOf(List.class, call(log, "VRANDMEMBER", key, Integer.toString(count)),
              log::toString);
          int size = set == null ? 0 : set.vectors.size();
          assertEquals(size == 0 ? 0 : count >= 0 ? Math.min(count, size) : -count, members.size(), log::toString);
          for (Object m : members) {
            assertTrue(set.vectors.containsKey((String) m), () -> m + " is no member: " + log);
          }
          if (count > 0) {
            assertEquals(members.size(), new HashSet<>(members).size(), () -> "repeated: " + log);
          }
        }
        case 11 -> vsim(data, set, log, key, element);
        case 12 -> {
          assertEquals(model.remove(key) != null ? 1L : 0L, call(log, "DEL", key), log::toString);
          assertEquals((long) model.size(), call(log, "DBSIZE"), log::toString);
        }
        case 13 -> {
          assertEquals((long) model.size(), call(log, "DBSIZE"), log::toString);
          List<String> keys = new ArrayList<>();
          for (Object k : assertInstanceOf(List.class, call(log, "KEYS", "*"), log::toString)) {
            keys.add((String) k);
          }
          assertEquals(new HashSet<>(model.keySet()), new HashSet<>(keys), log::toString);
          assertEquals(keys.size(), new HashSet<>(keys).size(), () -> "a key listed twice: " + log);
        }
        default -> {
          if (data.consumeInt(0, 3) == 0) { // the sets are read back from the engine
            log.add("(restart)");
            restart();
          }
        }
      }
    }
  }

  /** VADD key (VALUES n ... | FP32 blob) element [NOQUANT|Q8] [SETATTR json]. */
  private static void vadd(FuzzedDataProvider data, Map<String, ModelSet> model, List<String> log, String key,
      String element) throws IOException {
    int dim = data.consumeInt(2, 3);
    float[] v = new float[dim];
    List<String> argv = new ArrayList<>(List.of("VADD", key));
    boolean small = data.consumeBoolean();
    for (int i = 0; i < dim; i++) {
      v[i] = small ? data.consumeInt(-3, 3) : data.consumeRegularFloat();
    }
    int quant = data.consumeInt(0, 2); // 0: none named, 1: NOQUANT, 2: Q8
    String json = data.consumeBoolean() ? JSON[data.consumeInt(0, JSON.length - 1)] : null;
    Object reply;
    if (small) {
      argv.add("VALUES");
      argv.add(Integer.toString(dim));
      for (float f : v) {
        argv.add(Integer.toString((int) f));
      }
      argv.add(element);
      addOptions(argv, quant, json);
      reply = call(log, argv.toArray(String[]::new));
    } else { // the exact floats, as a blob
      ByteBuffer b = ByteBuffer.allocate(4 * dim).order(ByteOrder.LITTLE_ENDIAN);
      for (float f : v) {
        b.putFloat(f);
      }
      List<byte[]> raw = new ArrayList<>();
      for (String a : argv) {
        raw.add(a.getBytes(StandardCharsets.UTF_8));
      }
      raw.add("FP32".getBytes(StandardCharsets.US_ASCII));
      raw.add(b.array());
      List<String> rest = new ArrayList<>(List.of(element));
      addOptions(rest, quant, json);
      for (String a : rest) {
        raw.add(a.getBytes(StandardCharsets.UTF_8));
      }
      log.add("VADD " + key + " FP32 " + Arrays.toString(v) + " " + String.join(" ", rest));
      reply = send(raw);
    }
    double norm = 0;
    for (float f : v) {
      norm += (double) f * f;
    }
    norm = Math.sqrt(norm);
    ModelSet set = model.get(key);
    boolean refused = norm == 0 || Float.isInfinite((float) norm) || (json != null && !VALID_JSON.contains(json))
        || (set != null && (set.dim != dim || (quant == 1 && !set.noquant) || (quant == 2 && set.noquant)));
    if (refused) {
      assertInstanceOf(Err.class, reply, log::toString);
      return;
    }
    if (set == null) {
      set = new ModelSet(dim, quant == 1);
      model.put(key, set);
    }
    boolean added = set.vectors.put(element, v) == null;
    assertEquals(added ? 1L : 0L, reply, log::toString);
    if (json != null) {
      setJson(set, element, json);
    }
  }

  private static void addOptions(List<String> argv, int quant, String json) {
    if (quant > 0) {
      argv.add(quant == 1 ? "NOQUANT" : "Q8");
    }
    if (json != null) {
      argv.add("SETATTR");
      argv.add(json);
    }
  }

  private static void setJson(ModelSet set, String element, String json) {
    if (json.isEmpty()) {
      set.json.remove(element);
    } else {
      set.json.put(element, json);
    }
  }

  /** VEMB: the floats given (NOQUANT), or within the Q8 codes' rounding of them: half a step of 1/127 of the range. */
  private static void vemb(ModelSet set, List<String> log, String key, String element) throws IOException {
    Object reply = call(log, "VEMB", key, element);
    float[] expected = set == null ? null : set.vectors.get(element);
    if (expected == null) {
      assertNull(reply, log::toString);
      return;
    }
    List<?> got = assertInstanceOf(List.class, reply, log::toString);
    assertEquals(expected.length, got.size(), log::toString);
    double norm = 0;
    double max = 0;
    for (float f : expected) {
      norm += (double) f * f;
      max = Math.max(max, Math.abs(f));
    }
    norm = Math.sqrt(norm);
    for (int i = 0; i < expected.length; i++) {
      double value = Double.parseDouble((String) got.get(i));
      if (set.noquant) {
        assertEquals(expected[i], (float) value, log::toString);
      } else {
        // the step is range * norm / 127, range * norm being the largest component; float rounding aside
        double tolerance = max / 254 * 1.001 + Math.ulp((float) max) * 4;
        int dimension = i;
        assertTrue(Math.abs(value - expected[i]) <= tolerance, () -> "component " + dimension + ": " + value
            + ", given " + expected[dimension] + " (tolerance " + tolerance + "): " + log);
      }
    }
  }

  /**
   * VSIM key (ELE element | VALUES n ...) COUNT n [FILTER .year > 1970] [TRUTH]: the members exist, are distinct,
   * no more than asked, and with TRUTH as many as there are to give; with FILTER only those with a year.
   */
  private static void vsim(FuzzedDataProvider data, ModelSet set, List<String> log, String key, String element)
      throws IOException {
    List<String> argv = new ArrayList<>(List.of("VSIM", key));
    boolean byElement = data.consumeBoolean();
    int dim = data.consumeInt(2, 3);
    boolean zero = true;
    if (byElement) {
      argv.addAll(List.of("ELE", element));
    } else {
      argv.addAll(List.of("VALUES", Integer.toString(dim)));
      for (int i = 0; i < dim; i++) {
        int x = data.consumeInt(-3, 3);
        zero &= x == 0;
        argv.add(Integer.toString(x));
      }
    }
    int count = data.consumeInt(1, 6);
    argv.addAll(List.of("COUNT", Integer.toString(count)));
    boolean filter = data.consumeBoolean();
    if (filter) {
      argv.addAll(List.of("FILTER", ".year > 1970"));
    }
    boolean truth = data.consumeBoolean();
    if (truth) {
      argv.add("TRUTH");
    }
    Object reply = call(log, argv.toArray(String[]::new));
    if (set == null) {
      assertEquals(List.of(), reply, log::toString); // before the query is read, as in Redis
      return;
    }
    if (byElement ? !set.vectors.containsKey(element) : zero || dim != set.dim) {
      assertInstanceOf(Err.class, reply, log::toString);
      return;
    }
    List<?> members = assertInstanceOf(List.class, reply, log::toString);
    long matching = set.vectors.keySet().stream().filter(e -> !filter || YEAR.equals(set.json.get(e))).count();
    assertTrue(members.size() <= Math.min(count, matching), log::toString);
    if (truth) {
      assertEquals(Math.min(count, matching), members.size(), () -> "TRUTH: " + log);
    }
    assertEquals(members.size(), new HashSet<>(members).size(), () -> "repeated: " + log);
    for (Object m : members) {
      assertTrue(set.vectors.containsKey((String) m), () -> m + " is no member: " + log);
      assertTrue(!filter || YEAR.equals(set.json.get((String) m)), () -> m + " does not pass the filter: " + log);
    }
  }

  @Test
  void aFewOfEachCommand() throws IOException {
    List<String> log = new ArrayList<>();
    assertEquals("OK", call(log, "FLUSHDB"));
    assertEquals(1L, call(log, "VADD", "k1", "VALUES", "2", "1", "0", "a", "NOQUANT", "SETATTR", YEAR));
    assertEquals(0L, call(log, "VADD", "k1", "VALUES", "2", "0", "1", "a"));
    assertEquals(YEAR, call(log, "VGETATTR", "k1", "a"));
    assertInstanceOf(Err.class, call(log, "VADD", "k1", "VALUES", "3", "1", "0", "0", "b"));
    assertEquals(List.of("0", "1"), call(log, "VEMB", "k1", "a"));
    assertEquals(List.of("a"), call(log, "VSIM", "k1", "ELE", "a", "FILTER", ".year > 1970", "TRUTH"));
    restart();
    assertEquals(1L, call(log, "VCARD", "k1"));
    assertEquals(1L, call(log, "VREM", "k1", "a"));
    assertEquals(0L, call(log, "DBSIZE"));
  }

  private static void restart() throws IOException {
    connection.close();
    server.close();
    server = AeonServer.start(CONFIG);
    connect();
  }

  private static Object call(List<String> log, String... argv) throws IOException {
    log.add(String.join(" ", argv));
    List<byte[]> raw = new ArrayList<>();
    for (String a : argv) {
      raw.add(a.getBytes(StandardCharsets.UTF_8));
    }
    return send(raw);
  }

  /** Sends one command and reads its RESP2 reply; an internal error fails the test. */
  private static Object send(List<byte[]> argv) throws IOException {
    connection.send(argv);
    Object reply = readReply();
    assertTrue(!(reply instanceof Err e) || !e.message().startsWith("ERR internal error"),
        () -> String.valueOf(reply));
    return reply;
  }

  private static void connect() throws IOException {
    connection = OwnServerConnection.open(server.port());
  }

  private static Object readReply() throws IOException {
    int type = connection.read();
    if (type < 0) {
      throw new EOFException("the server closed the connection");
    }
    String line = connection.readLine();
    return switch (type) {
      case '+' -> line;
      case '-' -> new Err(line);
      case ':' -> Long.parseLong(line);
      case '$' -> {
        int n = Integer.parseInt(line);
        if (n < 0) {
          yield null;
        }
        byte[] b = connection.readBytes(n + 2);
        yield new String(b, 0, n, StandardCharsets.UTF_8);
      }
      case '*' -> {
        int n = Integer.parseInt(line);
        if (n < 0) {
          yield null;
        }
        List<Object> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          list.add(readReply());
        }
        yield list;
      }
      default -> throw new AssertionError("a RESP2 reply of type '" + (char) type + "': " + line);
    };
  }
}
