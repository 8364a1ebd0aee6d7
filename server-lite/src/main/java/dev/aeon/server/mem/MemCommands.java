package dev.aeon.server.mem;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aeon.common.TextEmbedder;
import dev.aeon.engine.BackupResult;
import dev.aeon.engine.Event;
import dev.aeon.engine.LogFlusherStats;
import dev.aeon.engine.Memory;
import dev.aeon.engine.MemoryStats;
import dev.aeon.engine.QueryResult;
import dev.aeon.engine.Recall;
import dev.aeon.engine.Recalled;
import dev.aeon.engine.Remember;
import dev.aeon.engine.SessionPage;
import dev.aeon.server.ClientSession;
import dev.aeon.server.command.Args;
import dev.aeon.common.AsciiCase;
import dev.aeon.server.command.CommandError;
import dev.aeon.server.command.CommandTable;
import dev.aeon.server.command.JsonValues;
import dev.aeon.server.command.ScanArgs;
import dev.aeon.server.command.VectorInput;
import dev.aeon.server.resp.RespWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The engine's own commands over the selected namespace (see docs/server.md for the syntax): MEM.ADD, MEM.ADDALL
 * ({@link MemAddAll}), MEM.LINK, MEM.INVALIDATE, MEM.RECALL, MEM.TRACE, MEM.SESSIONS, MEM.GET, MEM.SETATTR,
 * MEM.QUERY, MEM.FORGET, MEM.CHECKPOINT, MEM.COMPACT, MEM.BACKUP, MEM.STATS.
 */
public final class MemCommands {

  private MemCommands() {}

  public static void register(CommandTable t) {
    List<String> write = List.of("write");
    List<String> read = List.of("readonly");
    t.add("mem.add", -4, write, 0, 0, 0, MemCommands::add);
    t.lightWhen("mem.add", MemCommands::addIfLight);
    t.add("mem.addall", -2, write, 0, 0, 0, MemAddAll::run);
    t.add("mem.link", -4, write, 0, 0, 0, MemCommands::link);
    t.add("mem.invalidate", -4, write, 0, 0, 0, MemCommands::invalidate);
    t.add("mem.recall", -3, read, 0, 0, 0, MemCommands::recall);
    t.add("mem.trace", -2, read, 0, 0, 0, MemCommands::trace);
    t.add("mem.sessions", -2, read, 0, 0, 0, MemCommands::sessions);
    t.add("mem.get", 2, read, 0, 0, 0, MemCommands::get);
    t.add("mem.setattr", 3, write, 0, 0, 0, (c, a) -> {
      long id = a.nextLong();
      c.memory().setAttributes(id, attributeChanges(a.nextText("the attributes' JSON"), "the JSON of MEM.SETATTR"));
      c.writer().simple("OK");
    });
    t.add("mem.query", -2, read, 0, 0, 0, MemCommands::query);
    t.add("mem.forget", -2, write, 0, 0, 0, MemCommands::forget);
    t.add("mem.checkpoint", 1, write, 0, 0, 0, (c, a) -> {
      c.memory().checkpoint();
      c.writer().simple("OK");
    });
    t.add("mem.compact", 1, write, 0, 0, 0, (c, a) -> {
      c.memory().compact();
      c.writer().simple("OK");
    });
    t.add("mem.backup", 2, write, 0, 0, 0, MemCommands::backup);
    t.add("mem.stats", 1, read, 0, 0, 0, MemCommands::stats);
  }

  /** MEM.ADD session role text [VECTOR vector] [AT micros] [ATTRS json] [LINK type id]... ({@link MemAddArguments}) */
  private static void add(ClientSession c, Args a) throws IOException {
    add(c, MemAddArguments.read(a));
  }

  private static void add(ClientSession c, MemAddArguments add) throws IOException {
    Remember r = add.event(c.server());
    c.writer().integer(c.memoryToRemember(r).remember(r));
  }

  /**
   * The MEM.ADD as read, if it embeds nothing (its vectors given as numbers, or a server without an embedder): into
   * the client's namespace, open already, it then runs on its connection's thread ({@link CommandTable#lightWhen}), as
   * much work as a VADD's checks plus an insert into the namespace's index. Reads the arguments as {@link #add} does
   * ({@link MemAddArguments}), once: the command run there is {@link #add} of what this read. A malformed command
   * fails here, and so goes to the pool, which says what is wrong.
   */
  static CommandTable.Light addIfLight(ClientSession c, Args a) {
    MemAddArguments add = MemAddArguments.read(a);
    return add.embedsNothing(c.server()) ? new CommandTable.Light(c.namespace(), (client, read) -> add(client, add))
        : null;
  }

  /**
   * The next argument as a name (a session, role, link type or attribute name), refused as the engine refuses one
   * it would store: empty, or longer than {@link Remember#MAX_NAME_BYTES} bytes of UTF-8, in the engine's words.
   * Reads refuse it too: no stored name is such, so it could only match nothing, and the client would never hear
   * of its mistake.
   */
  static String nextName(Args a, String what) {
    String name = a.nextText("the " + what);
    if (name.isEmpty()) {
      throw CommandError.err(what + " must not be empty");
    }
    if (name.length() > Remember.MAX_NAME_BYTES / 3 // at most 3 bytes of UTF-8 per char
        && name.getBytes(StandardCharsets.UTF_8).length > Remember.MAX_NAME_BYTES) {
      throw CommandError.err(what + " is longer than " + Remember.MAX_NAME_BYTES + " bytes");
    }
    return name;
  }

  /** Event attributes from a JSON object of strings, numbers and booleans. */
  static Map<String, Object> eventAttributes(String json, String argument) {
    return eventAttributes(JsonValues.parseEventObject(json, argument));
  }

  /** Event attributes from a JSON object of strings, numbers and booleans (also an event's of MEM.ADDALL). */
  static Map<String, Object> eventAttributes(ObjectNode obj) {
    Map<String, Object> scalars = JsonValues.scalars(obj);
    if (scalars.size() != obj.size()) {
      throw CommandError.err("event attributes must be strings, numbers or booleans (no null, arrays or objects)");
    }
    return scalars;
  }

  /** MEM.SETATTR's changes: as event attributes, where null removes one (as in a JSON merge patch). */
  private static Map<String, Object> attributeChanges(String json, String argument) {
    ObjectNode obj = JsonValues.parseEventObject(json, argument);
    Map<String, Object> changes = new LinkedHashMap<>(JsonValues.scalars(obj));
    obj.properties().forEach(e -> {
      if (e.getValue().isNull()) {
        changes.put(e.getKey(), null);
      }
    });
    if (changes.size() != obj.size()) {
      throw CommandError.err("attribute changes must be strings, numbers, booleans or null to remove one"
          + " (no arrays or objects)");
    }
    return changes;
  }

  /** MEM.LINK from type to [FROM micros] [UNTIL micros] */
  private static void link(ClientSession c, Args a) throws IOException {
    long from = a.nextLong();
    String type = nextName(a, "link type");
    long to = a.nextLong();
    long validFrom = Long.MIN_VALUE;
    long validTo = Long.MAX_VALUE;
    while (a.hasNext()) {
      if (a.accept("FROM")) {
        validFrom = a.nextLong();
      } else if (a.accept("UNTIL")) {
        validTo = a.nextLong();
      } else {
        throw CommandError.unknownOption("MEM.LINK", a.nextString());
      }
    }
    if (validFrom >= validTo) { // the engine would say so with its own parameter names, which the client never typed
      throw CommandError.err("a link must start before it ends: FROM " + validFrom + " is not before UNTIL " + validTo);
    }
    c.memory().link(from, type, to, validFrom, validTo);
    c.writer().simple("OK");
  }

  /** MEM.INVALIDATE from type to [AT micros]: the links stop being valid then (default: now). */
  private static void invalidate(ClientSession c, Args a) throws IOException {
    long from = a.nextLong();
    String type = nextName(a, "link type");
    long to = a.nextLong();
    long at = System.currentTimeMillis() * 1000;
    while (a.hasNext()) { // an option named twice takes its last value, as in the other MEM.* commands
      if (a.accept("AT")) {
        at = a.nextLong();
      } else {
        throw CommandError.unknownOption("MEM.INVALIDATE", a.nextString());
      }
    }
    c.writer().integer(c.memory().invalidate(from, type, to, at));
  }

  /**
   * MEM.RECALL (FP32 blob | VALUES n v... | TEXT text) [COUNT k] [SESSION s] [ROLE r]... [BETWEEN from to]
   * [WHERE name value]... [NPROBE n] [NOSLB], or the short form for plain text within one session:
   * MEM.RECALL session text [k] [options...].
   */
  private static void recall(ClientSession c, Args a) throws IOException {
    int count = 10;
    String session = null;
    VectorInput.Unembedded longForm = null;
    String shortFormText = null;
    if (VectorInput.atVector(a) || a.remaining() < 2) {
      longForm = VectorInput.readUnembedded(a);
    } else {
      session = nextName(a, "session");
      shortFormText = a.nextText("the text");
      if (a.hasNext() && a.peekKeyword().matches("-?[0-9]+")) {
        count = a.nextInt(1, 100_000, "the count");
      }
    }
    List<String> roles = new ArrayList<>();
    long from = Long.MIN_VALUE;
    long to = Long.MAX_VALUE;
    Map<String, Object> where = new LinkedHashMap<>();
    int nprobe = 0;
    boolean slb = true;
    while (a.hasNext()) {
      String opt = a.nextString(); // as given, for the error
      switch (AsciiCase.upper(opt)) {
        case "COUNT" -> count = a.nextInt(1, 100_000, "COUNT");
        case "SESSION" -> session = nextName(a, "session");
        case "ROLE" -> roles.add(nextName(a, "role"));
        case "BETWEEN" -> {
          from = a.nextLong();
          to = a.nextLong();
        }
        case "WHERE" -> where.put(nextName(a, "attribute name"),
            JsonValues.literal(a.nextText("a WHERE value"), "a WHERE value"));
        case "NPROBE" -> nprobe = a.nextInt(1, 1_000_000, "NPROBE");
        case "NOSLB" -> slb = false;
        default -> throw CommandError.unknownOption("MEM.RECALL", opt);
      }
    }
    // a TEXT, or the short form's text, is embedded once every argument is known to be good
    VectorInput.Given q;
    if (longForm != null) {
      q = longForm.embed(c.server(), true);
    } else {
      if (c.server().embedder() == null) { // said in the short form's words: the client typed no TEXT
        throw CommandError.err(VectorInput.withoutEmbedder(c.server(), "MEM.RECALL session text (the short form)"));
      }
      refuseAGuessedSyntax(c, session, shortFormText);
      q = VectorInput.embedText(shortFormText, c.server(), true);
    }
    Recall r = Recall.vector(q.values(), q.model(), count).between(from, to).nprobe(nprobe).slb(slb);
    if (session != null) {
      r.session(session);
    }
    if (!roles.isEmpty()) {
      r.roles(roles.toArray(String[]::new));
    }
    where.forEach(r::where);
    List<Recalled> hits = c.memory().recall(r);
    RespWriter w = c.writer();
    w.array(hits.size());
    for (Recalled h : hits) {
      Replies.event(w, h.event(), h.score());
    }
  }

  /** The short form's options, which a client guessing the syntax may send where it reads the text. */
  private static final Set<String> RECALL_OPTIONS =
      Set.of("COUNT", "SESSION", "ROLE", "BETWEEN", "WHERE", "NPROBE", "NOSLB");

  /**
   * Refuses the short form where the client surely meant something else: {@code MEM.RECALL "a question" 5} (or
   * {@code ... COUNT 5}) reads the question as a session and the count (or option) as the text, and would answer an
   * empty list in silence. Only where that session has no events, so the reply it replaces could only be empty: in a
   * session that has some, a number is a text like any other.
   */
  private static void refuseAGuessedSyntax(ClientSession c, String session, String text) {
    boolean countOrOption = text.matches("-?[0-9]+") || RECALL_OPTIONS.contains(AsciiCase.upper(text));
    if (countOrOption && c.memory().history(session, 1).isEmpty()) {
      throw CommandError.err("MEM.RECALL read '" + CommandError.clip(session) + "' as a session, which has no events,"
          + " and '" + CommandError.clip(text) + "' as the text to recall: to recall by text in every session, send"
          + " MEM.RECALL TEXT text [COUNT k] (the short form is MEM.RECALL session text [k])");
    }
  }

  /**
   * MEM.SESSIONS cursor [MATCH pattern] [COUNT count]: a page of the sessions that have events, as SCAN pages
   * keys (start at 0, go on until the cursor is 0 again).
   */
  private static void sessions(ClientSession c, Args a) throws IOException {
    ScanArgs scan = ScanArgs.read(a, false);
    SessionPage page = c.memory().sessions(scan.cursor(), scan.count());
    ScanArgs.reply(c.writer(), page.cursor(), page.sessions().stream().filter(scan::matches).toList());
  }

  /** MEM.TRACE session [COUNT n]: the newest events of a session, newest first. */
  private static void trace(ClientSession c, Args a) throws IOException {
    String session = nextName(a, "session");
    int count = 100;
    while (a.hasNext()) { // an option named twice takes its last value, as in the other MEM.* commands
      if (a.accept("COUNT")) {
        count = a.nextInt(1, 1_000_000, "COUNT");
      } else {
        throw CommandError.unknownOption("MEM.TRACE", a.nextString());
      }
    }
    List<Event> events = c.memory().history(session, count);
    RespWriter w = c.writer();
    w.array(events.size());
    for (Event e : events) {
      Replies.event(w, e, null);
    }
  }

  private static void get(ClientSession c, Args a) throws IOException {
    Optional<Event> e = c.memory().get(a.nextLong());
    if (e.isPresent()) {
      Replies.event(c.writer(), e.get(), null);
    } else {
      c.writer().nullValue();
    }
  }

  /**
   * MEM.QUERY statement [name value | EMBED name text]...: a parameter value is JSON when it reads as a JSON
   * number, boolean, "string" or [array], else the text itself; EMBED gives the parameter the server model's
   * vector of the text, as a search query (a parameter named EMBED itself is given as $EMBED). Replies
   * [columns, rows].
   */
  private static void query(ClientSession c, Args a) throws IOException {
    String statement = a.nextText("the statement");
    Map<String, Object> params = new LinkedHashMap<>();
    Map<String, String> texts = new LinkedHashMap<>();
    while (a.hasNext()) {
      boolean embed = a.accept("EMBED");
      if (a.remaining() < 2) {
        throw CommandError.err(embed ? "MEM.QUERY EMBED needs a parameter name and a text"
            : "MEM.QUERY parameters come in name value pairs");
      }
      String given = a.nextText("a parameter name");
      String name = given.startsWith("$") ? given.substring(1) : given;
      if (name.isEmpty()) {
        throw CommandError.err("MEM.QUERY parameter name is empty (a statement names one as $name)");
      }
      if (params.containsKey(name)) {
        throw CommandError.err("MEM.QUERY parameter $" + name + " is given twice");
      }
      if (embed) {
        texts.put(name, a.nextText("the text of $" + name));
        params.put(name, null); // its vector comes below
      } else {
        String what = "the value of $" + name;
        params.put(name, JsonValues.literal(a.nextText(what), what));
      }
    }
    if (!texts.isEmpty()) {
      embedParameters(c, texts, params);
    }
    QueryResult result = c.memory().query(statement, params);
    RespWriter w = c.writer();
    w.map(2);
    w.bulk("columns");
    Replies.value(w, result.columns());
    w.bulk("rows");
    Replies.value(w, result.rows());
  }

  /**
   * MEM.QUERY's EMBED parameters, embedded once every argument is known to be good, with the model of the
   * namespace's vectors or refused before any text is embedded.
   */
  private static void embedParameters(ClientSession c, Map<String, String> texts, Map<String, Object> params) {
    TextEmbedder embedder = c.server().embedder();
    if (embedder == null) {
      throw CommandError.err(VectorInput.withoutEmbedder(c.server(), "EMBED"));
    }
    String model = TextEmbedder.namedModel(embedder);
    String recorded = c.memory().stats().embeddingModel();
    if (recorded != null && model != null && !recorded.equals(model)) {
      throw CommandError.err("EMBED: the server embeds with '" + model + "', but namespace '" + c.namespace()
          + "' holds vectors of '" + recorded + "'");
    }
    for (Map.Entry<String, String> text : texts.entrySet()) {
      params.put(text.getKey(), VectorInput.embedText(text.getValue(), c.server(), true).values());
    }
  }

  /** MEM.FORGET id | MEM.FORGET SESSION name */
  private static void forget(ClientSession c, Args a) throws IOException {
    Memory m = c.memory();
    if (a.accept("SESSION")) {
      String session = nextName(a, "session");
      if (a.hasNext()) {
        throw CommandError.syntax();
      }
      c.writer().integer(m.forgetSession(session));
      return;
    }
    long id = a.nextLong();
    if (a.hasNext()) {
      throw CommandError.syntax();
    }
    c.writer().integer(m.forget(id) ? 1 : 0);
  }

  /** MEM.BACKUP name: one map per namespace copied (the selected one, then those of its vector sets). */
  private static void backup(ClientSession c, Args a) throws IOException {
    List<BackupResult> results = c.server().backup(c.namespace(), a.nextText("the backup name"));
    RespWriter w = c.writer();
    w.array(results.size());
    for (BackupResult r : results) {
      w.map(7);
      w.bulk("namespace").bulk(r.directory().getFileName().toString());
      w.bulk("directory").bulk(r.directory().toString());
      w.bulk("last_lsn").integer(r.lastLsn());
      w.bulk("files").integer(r.files());
      w.bulk("bytes").integer(r.bytes());
      w.bulk("writers_paused_us").integer(r.writersPausedMicros());
      w.bulk("total_us").integer(r.totalMicros());
    }
  }

  /** The log flusher's idle waits ({@link LogFlusherStats}): six fields of MEM.STATS. */
  private static void logFlusher(RespWriter w, LogFlusherStats f) throws IOException {
    w.bulk("log_flusher_waits_spun").integer(f.waitsSpun());
    w.bulk("log_flusher_waits_blocked").integer(f.waitsBlocked());
    w.bulk("log_flusher_spins_wasted").integer(f.spinsWasted());
    w.bulk("log_flusher_wake_ups_a_spin_would_save").integer(f.wakeUpsSpinWouldSave());
    integers(w.bulk("log_flusher_writer_returns"), f.writerReturns());
    integers(w.bulk("log_flusher_return_bounds_us"), LogFlusherStats.RETURN_BOUNDS_MICROS);
  }

  private static void integers(RespWriter w, List<Long> values) throws IOException {
    w.array(values.size());
    for (long v : values) {
      w.integer(v);
    }
  }

  private static void stats(ClientSession c, Args a) throws IOException {
    MemoryStats s = c.memory().stats();
    RespWriter w = c.writer();
    w.map(23);
    w.bulk("namespace").bulk(c.namespace());
    w.bulk("events").integer(s.events());
    w.bulk("vectors").integer(s.vectors());
    w.bulk("edges").integer(s.edges());
    w.bulk("sessions").integer(s.sessions());
    w.bulk("wal_bytes").integer(s.walBytes());
    w.bulk("last_lsn").integer(s.lastLsn());
    w.bulk("checkpoint_lsn").integer(s.checkpointLsn());
    w.bulk("blob_bytes").integer(s.blobBytes());
    w.bulk("slb_hits").integer(s.slbHits());
    w.bulk("slb_misses").integer(s.slbMisses());
    w.bulk("slb_sessions").integer(s.slbSessions());
    w.bulk("slb_bytes").integer(s.slbBytes());
    w.bulk("retired_not_freed").integer(s.retiredNotFreed());
    w.bulk("log_forces").integer(s.logForces());
    w.bulk("index_merges_waiting").integer(s.indexMergesWaiting());
    logFlusher(w, s.logFlusher());
    w.bulk("embedding_model");
    if (s.embeddingModel() == null) {
      w.nullValue();
    } else {
      w.bulk(s.embeddingModel());
    }
  }
}
