package dev.aeon.server.vset;

import dev.aeon.server.ClientSession;
import dev.aeon.server.command.Args;
import dev.aeon.common.AsciiCase;
import dev.aeon.server.command.CommandError;
import dev.aeon.server.command.CommandTable;
import dev.aeon.server.command.Glob;
import dev.aeon.server.command.ScanArgs;
import dev.aeon.server.command.VectorInput;
import dev.aeon.server.resp.RespWriter;
import dev.aeon.server.vset.StoredVector.Quantization;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The Redis 8 vector-set commands with their documented arguments and replies, so that existing clients work
 * unchanged: VADD, VSIM, VREM, VCARD, VDIM, VEMB, VINFO, VSETATTR, VGETATTR, VISMEMBER, VRANDMEMBER, and the
 * generic key commands as they apply to vector sets, the only keys here: DEL, UNLINK, EXISTS, TYPE, KEYS, SCAN,
 * DBSIZE. Vectors may also be given as {@code TEXT "..."} when the server has an embedder.
 */
public final class VectorSetCommands {

  private static final List<String> WRITE = List.of("write", "denyoom");
  private static final List<String> READ = List.of("readonly", "fast");
  /** The type of a vector set in TYPE, and in SCAN's TYPE option. */
  private static final String TYPE_NAME = "vectorset";
  // Reply types follow Redis' vset.c: VADD, VREM, VISMEMBER and VSETATTR reply booleans (#t/#f in RESP3, 1/0 in
  // RESP2), VEMB of a missing key or element a null bulk string, VINFO of a missing key a null array.

  private VectorSetCommands() {}

  public static void register(CommandTable t) {
    t.add("vadd", -5, WRITE, 1, 1, 1, VectorSetCommands::vadd);
    t.lightWhen("vadd", VectorSetCommands::vaddIfLight);
    t.add("vsim", -4, List.of("readonly"), 1, 1, 1, VectorSetCommands::vsim);
    // Of a key known absent, an empty answer from memory, as VCARD's: no hop to the pool and back (see vsim)
    t.startOnTheConnectionThread("vsim", VectorSetCommands::setNotInMemory);
    t.add("vrem", 3, List.of("write"), 1, 1, 1, (c, a) ->
        c.writer().bool(sets(c).remove(c.namespace(), key(a), element(a))));
    t.add("vcard", 2, READ, 1, 1, 1, (c, a) -> c.writer().integer(sets(c).cardinality(c.namespace(), key(a))));
    t.add("vdim", 2, READ, 1, 1, 1, VectorSetCommands::vdim);
    t.add("vemb", -3, READ, 1, 1, 1, VectorSetCommands::vemb);
    t.add("vinfo", 2, READ, 1, 1, 1, VectorSetCommands::vinfo);
    t.add("vsetattr", 4, WRITE, 1, 1, 1, VectorSetCommands::vsetattr);
    t.add("vgetattr", 3, READ, 1, 1, 1, (c, a) ->
        c.writer().bulk(sets(c).attributes(c.namespace(), key(a), element(a))));
    t.add("vismember", 3, READ, 1, 1, 1, (c, a) ->
        c.writer().bool(sets(c).contains(c.namespace(), key(a), element(a))));
    t.add("vrandmember", -2, List.of("readonly"), 1, 1, 1, VectorSetCommands::vrandmember);
    t.startOnTheConnectionThread("vrandmember", VectorSetCommands::setNotInMemory);
    t.add("del", -2, List.of("write"), 1, -1, 1, VectorSetCommands::delete);
    t.add("unlink", -2, List.of("write", "fast"), 1, -1, 1, VectorSetCommands::delete);
    // On the pool, as DEL, though flagged fast as in Redis. Of several keys, on the connection's thread it could find
    // a key's set to load (which sends the command to the pool, to run again from its start) after it deleted the sets
    // before it. Of one, its delete removes every element's vector from the index and forgets each element's event
    // (work that grows with the set: Redis' UNLINK is the delete that does not block on a large key), and inside a
    // pipeline it would be a write run back to back with the next ones on a carrier every client's thread shares.
    t.alwaysOnThePool("unlink");
    t.add("exists", -2, READ, 1, -1, 1, VectorSetCommands::exists);
    t.add("type", 2, READ, 1, 1, 1, (c, a) ->
        c.writer().simple(sets(c).cardinality(c.namespace(), key(a)) > 0 ? TYPE_NAME : "none"));
    t.add("keys", 2, List.of("readonly"), 0, 0, 0, VectorSetCommands::keys);
    t.add("scan", -2, List.of("readonly"), 0, 0, 0, VectorSetCommands::scan);
    t.add("dbsize", 1, READ, 0, 0, 0, (c, a) -> c.writer().integer(sets(c).count(c.namespace())));
    // Always on the pool: it finds the namespaces of the client namespace's sets by listing the memory directory's
    // namespaces (one entry each of every client's, and a stat each: VectorSets.storageNamespaces), file-system work
    // that grows with the server's namespaces and would hold a carrier every client's thread shares. It stays flagged
    // fast in COMMAND, as in Redis.
    t.alwaysOnThePool("dbsize");
  }

  /** KEYS pattern: every set whose key matches, read a page at a time. */
  private static void keys(ClientSession c, Args a) throws IOException {
    Glob pattern = Glob.of(a.string(1));
    List<String> keys = new ArrayList<>();
    long cursor = 0;
    do {
      VectorSets.KeyPage page = sets(c).scan(c.namespace(), cursor, ScanArgs.MAX_COUNT);
      page.keys().stream().filter(pattern::matches).forEach(keys::add);
      cursor = page.cursor();
    } while (cursor != 0);
    c.writer().array(keys.size());
    for (String key : keys) {
      c.writer().bulk(key);
    }
  }

  /** SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]. */
  private static void scan(ClientSession c, Args a) throws IOException {
    ScanArgs scan = ScanArgs.read(a, true);
    if (scan.type() != null && !scan.type().equals(TYPE_NAME)) {
      ScanArgs.reply(c.writer(), 0, List.of()); // no key of any other type exists here
      return;
    }
    VectorSets.KeyPage page = sets(c).scan(c.namespace(), scan.cursor(), scan.count());
    ScanArgs.reply(c.writer(), page.cursor(), page.keys().stream().filter(scan::matches).toList());
  }

  /** DEL / UNLINK key [key ...]: how many of the keys existed (each is deleted once). */
  private static void delete(ClientSession c, Args a) throws IOException {
    List<String> keys = keys(a);
    int deleted = 0;
    for (String key : keys) {
      deleted += sets(c).delete(c.namespace(), key) ? 1 : 0;
    }
    c.writer().integer(deleted);
  }

  /** EXISTS key [key ...]: how many of the keys exist, a key named twice counted twice (as in Redis). */
  private static void exists(ClientSession c, Args a) throws IOException {
    int found = 0;
    for (String key : keys(a)) {
      found += sets(c).cardinality(c.namespace(), key) > 0 ? 1 : 0;
    }
    c.writer().integer(found);
  }

  /** Arguments 1 and after, every one checked to be a key before any is used. */
  private static List<String> keys(Args a) {
    List<String> keys = new ArrayList<>();
    for (int i = 1; i < a.size(); i++) {
      keys.add(a.text(i, "the key"));
    }
    return keys;
  }

  /**
   * Whether the key's set is not in memory: it may be known absent, and is then answered on the connection's thread
   * ({@link CommandTable#startOnTheConnectionThread}); a set in memory is a search or a draw, on the pool.
   */
  private static boolean setNotInMemory(ClientSession c, Args a) {
    return !sets(c).inMemory(c.namespace(), key(a));
  }

  private static VectorSets sets(ClientSession c) {
    return c.server().vectorSets();
  }

  /** The key, argument 1 (keys and element names must be valid UTF-8: see {@link Args#text}). */
  private static String key(Args a) {
    return a.text(1, "the key");
  }

  /** The element name, argument 2. */
  private static String element(Args a) {
    return a.text(2, "the element name");
  }

  /** VADD key [REDUCE dim] (FP32 blob | VALUES n v... | TEXT text) element [options] ({@link VaddArguments}) */
  private static void vadd(ClientSession c, Args a) throws IOException {
    vadd(c, VaddArguments.read(a));
  }

  private static void vadd(ClientSession c, VaddArguments v) throws IOException {
    c.writer().bool(sets(c).add(c.namespace(), v.key(), v.embeddedVector(c.server()), v.element(), v.quantization(),
        v.json()));
  }

  /**
   * The VADD as read, with the namespace holding the set, if it gives its vector as numbers (FP32 or VALUES: no TEXT
   * to embed) to a set loaded already whose namespace is open as the instance its elements agree with ({@link
   * VectorSets#loadedWithItsNamespaceOpen}): it then runs on its connection's thread ({@link CommandTable#lightWhen}),
   * as much work as a MEM.ADD there. Null, and so the pool, for the first VADD of a set (which may create its
   * namespace), one that loads the set or forgets an interrupted update's older events, or opens its namespace again.
   * Reads the arguments as {@link #vadd} does ({@link VaddArguments}), once: the command run there is {@link #vadd} of
   * what this read. A malformed command fails here, and so goes to the pool, which says what is wrong.
   *
   * <p>Read before the namespace is leased, what this saw may change before the command runs: the namespace closed as
   * idle, or failed (the lease then fails, and the command goes to the pool), or the set dropped from memory (another
   * client's DEL or VREM of its last element, a FLUSHDB) with its namespace still open. The command then finds the set
   * to load, which it may not do on the connection's thread: it stops there, before it has written anything, and runs
   * again on the pool ({@link dev.aeon.server.ServerContext#runCommandIfNamespaceOpen}; {@code
   * FastCommandsRunAgainOnThePoolTest} drops the set between this check and the lease). So this check
   * only spares the pool the commands it can; what keeps a load off the connection's thread is that stop.
   */
  static CommandTable.Light vaddIfLight(ClientSession c, Args a) {
    VaddArguments v = VaddArguments.read(a);
    String storage = v.vector().isText() ? null : sets(c).loadedWithItsNamespaceOpen(c.namespace(), v.key());
    return storage == null ? null : new CommandTable.Light(storage, (client, read) -> vadd(client, v));
  }

  /**
   * VSIM key (ELE element | FP32 blob | VALUES n v... | TEXT text) [WITHSCORES] [WITHATTRIBS] [COUNT n]
   * [EPSILON d] [EF n] [FILTER expr] [FILTER-EF n] [TRUTH] [NOTHREAD]
   */
  private static void vsim(ClientSession c, Args a) throws IOException {
    String key = a.nextText("the key");
    if (sets(c).cardinality(c.namespace(), key) == 0) {
      // As Redis' VSIM: a missing key is an empty array before the query is read (nor a TEXT embedded)
      c.writer().array(0);
      return;
    }
    // Begun on the connection's thread, it goes on to the pool here: the search (and a TEXT's embedding) would hold
    // the carrier every other client's thread shares
    c.server().requireThePool("a search");
    String element = null;
    VectorInput.Unembedded query = null;
    if (a.accept("ELE")) {
      element = a.nextText("the element name");
    } else {
      query = VectorInput.readUnembedded(a); // a TEXT is embedded once every argument is known to be good
    }
    boolean withScores = false;
    boolean withAttribs = false;
    int count = 10;
    double epsilon = 0;
    FilterExpression filter = null;
    int filterEffort = -1;
    int nprobe = 0;
    boolean truth = false;
    while (a.hasNext()) {
      String opt = a.nextString(); // as given, for the error
      switch (AsciiCase.upper(opt)) {
        case "WITHSCORES" -> withScores = true;
        case "WITHATTRIBS" -> withAttribs = true;
        case "COUNT" -> count = a.nextInt(1, 100_000, "COUNT");
        case "EPSILON" -> {
          // As Redis: any positive distance, 1 or more keeping every element (Redis' own default is 2)
          epsilon = a.nextDouble();
          if (!(epsilon > 0)) {
            throw CommandError.err("EPSILON must be positive");
          }
        }
        case "EF" -> nprobe = Math.max(1, a.nextInt(1, 1_000_000, "EF") / EF_PER_PROBE);
        case "FILTER" -> filter = FilterExpression.parse(a.nextText("the filter"));
        case "FILTER-EF" -> filterEffort = a.nextInt(1, 10_000_000, "FILTER-EF");
        case "TRUTH" -> truth = true; // a flag, as in Redis: an EF after it does not undo it
        case "NOTHREAD" -> { } // every connection has its own thread already
        default -> throw CommandError.unknownOption("VSIM", opt);
      }
    }
    if (truth) {
      nprobe = VectorSets.EXACT;
    }
    if (filterEffort < 0) {
      filterEffort = count * 100; // Redis' default effort for filtered searches
    }
    VectorInput.Given vector = query == null ? null : query.embed(c.server(), true);
    List<VectorSets.Match> matches = sets(c).search(c.namespace(), key,
        new VectorSets.Query(vector, element, count, epsilon, filter, filterEffort, nprobe));
    writeMatches(c.writer(), matches, withScores, withAttribs);
  }

  /**
   * Redis' EF (HNSW candidates to explore) to the Atlas index's leaves to probe: one leaf per this many, so that
   * Redis' usual EF of 200 probes 25 leaves, about the index's default of 24.
   */
  static final int EF_PER_PROBE = 8;

  private static void writeMatches(RespWriter w, List<VectorSets.Match> matches, boolean scores, boolean attribs)
      throws IOException {
    if (!scores && !attribs) {
      w.array(matches.size());
      for (VectorSets.Match m : matches) {
        w.bulk(m.element());
      }
      return;
    }
    if (w.resp3()) {
      w.map(matches.size());
    } else {
      w.array(matches.size() * (1 + (scores ? 1 : 0) + (attribs ? 1 : 0)));
    }
    for (VectorSets.Match m : matches) {
      w.bulk(m.element());
      if (scores && attribs && w.resp3()) {
        w.array(2);
      }
      if (scores) {
        w.doubleValue(m.score());
      }
      if (attribs) {
        w.bulk(m.attributes());
      }
    }
  }

  private static void vdim(ClientSession c, Args a) throws IOException {
    VectorSets.Info info = sets(c).info(c.namespace(), key(a));
    if (info == null) {
      throw CommandError.err("key does not exist");
    }
    c.writer().integer(info.dimension());
  }

  /**
   * VSETATTR key element json. As in Redis, a missing key or element answers false before the JSON is read (Redis
   * never reads it): the JSON is checked only when it would be stored.
   */
  private static void vsetattr(ClientSession c, Args a) throws IOException {
    VectorSets sets = sets(c);
    String key = key(a);
    String element = element(a);
    c.writer().bool(sets.contains(c.namespace(), key, element)
        && sets.setAttributes(c.namespace(), key, element, a.text(3, "the attributes' JSON")));
  }

  /** VEMB key element [RAW]: as in Redis, every argument after the element must be RAW, named once or more. */
  private static void vemb(ClientSession c, Args a) throws IOException {
    for (int i = 3; i < a.size(); i++) {
      if (!AsciiCase.equalsIgnoreCase(a.string(i), "RAW")) {
        throw CommandError.syntax();
      }
    }
    boolean raw = a.size() > 3;
    StoredVector v = sets(c).embedding(c.namespace(), key(a), element(a));
    RespWriter w = c.writer();
    if (v == null) {
      w.nullValue(); // a null bulk string in RESP2, as Redis' ReplyWithNull
    } else if (raw) {
      boolean q8 = v.quantization() == Quantization.Q8;
      w.array(q8 ? 4 : 3);
      w.simple(v.quantization().redisName());
      w.bulk(v.rawBlob());
      w.doubleValue(v.norm());
      if (q8) {
        w.doubleValue(v.range());
      }
    } else {
      float[] f = v.vector();
      w.array(f.length);
      for (float x : f) {
        w.doubleValue(x);
      }
    }
  }

  private static void vinfo(ClientSession c, Args a) throws IOException {
    VectorSets.Info info = sets(c).info(c.namespace(), key(a));
    RespWriter w = c.writer();
    if (info == null) {
      w.nullArray(); // *-1 in RESP2, as Redis' ReplyWithNullArray
      return;
    }
    w.map(6);
    w.simple("quant-type").simple(info.quantization().redisName());
    w.simple("vector-dim").integer(info.dimension());
    w.simple("size").integer(info.size());
    w.simple("index").simple("atlas");
    w.simple("namespace").bulk(info.namespace());
    w.simple("session").bulk(info.session());
  }

  /**
   * VRANDMEMBER key [count]. Begun on the connection's thread: of a key that does not exist it answers there, and of a
   * set it goes on to the pool, where the draw copies the set's element names (work that grows with the set).
   */
  private static void vrandmember(ClientSession c, Args a) throws IOException {
    if (a.size() > 3) {
      throw CommandError.syntax();
    }
    RespWriter w = c.writer();
    if (sets(c).cardinality(c.namespace(), key(a)) > 0) {
      c.server().requireThePool("a draw of a set's elements");
    }
    if (a.size() == 2) {
      List<String> one = sets(c).randomMembers(c.namespace(), key(a), 1);
      w.bulk(one.isEmpty() ? null : one.getFirst());
      return;
    }
    long count = Args.parseLong(a.string(2));
    if (count > 1_000_000 || count < -1_000_000) { // not Math.abs: it overflows for -2^63
      throw CommandError.err("count must be at most 1000000 in absolute value");
    }
    List<String> members = sets(c).randomMembers(c.namespace(), key(a), (int) count);
    w.array(members.size());
    for (String m : members) {
      w.bulk(m);
    }
  }
}
