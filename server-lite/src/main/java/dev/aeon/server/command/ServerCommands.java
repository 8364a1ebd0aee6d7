package dev.aeon.server.command;

import dev.aeon.engine.Durability;
import dev.aeon.engine.Memory;
import dev.aeon.engine.MemoryStats;
import dev.aeon.server.ClientSession;
import dev.aeon.server.ServerConfig;
import dev.aeon.server.ServerContext;
import dev.aeon.server.resp.RespWriter;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/** Commands about the server: CONFIG GET, INFO, COMMAND, FLUSHDB, SHUTDOWN. */
final class ServerCommands {

  private static final List<String> INFO_SECTIONS =
      List.of("server", "clients", "memory", "persistence", "stats", "keyspace");

  /** The project's version, which the build writes into version.properties; "unknown" where it did not. */
  private static final String AEON_VERSION = projectVersion();

  private ServerCommands() {}

  private static String projectVersion() {
    try (InputStream in = ServerContext.class.getResourceAsStream("version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      String v = p.getProperty("version", "unknown");
      return v.startsWith("${") ? "unknown" : v; // the resource copied unfiltered, outside Maven
    } catch (IOException e) {
      return "unknown";
    }
  }

  static void register(CommandTable t) {
    t.add("config", -2, List.of("admin"), 0, 0, 0, ServerCommands::config);
    t.add("info", -1, List.of(), 0, 0, 0, ServerCommands::info);
    t.add("command", -1, List.of(), 0, 0, 0, ServerCommands::command);
    t.add("flushdb", -1, List.of("write"), 0, 0, 0, ServerCommands::flushdb);
    t.add("shutdown", -1, List.of("admin", "fast"), 0, 0, 0, ServerCommands::shutdown);
  }

  // --- SHUTDOWN ---

  /**
   * SHUTDOWN [SAVE] [NOW] [FORCE]: stops the server as SIGTERM does, every open namespace checkpointed. As in
   * Redis, a stop that begins sends no reply: the client's connection closes. SAVE is what every stop does, and
   * NOW and FORCE change nothing here (no replicas to wait for; a failed checkpoint never holds the stop, the
   * log is replayed at the next start). NOSAVE is refused, as the stop cannot skip its checkpoints, and ABORT
   * too, as a stop cannot be called back.
   */
  private static void shutdown(ClientSession c, Args a) throws IOException {
    while (a.hasNext()) {
      if (a.accept("NOSAVE")) {
        throw CommandError.err("SHUTDOWN NOSAVE is not supported: the server checkpoints every open namespace as"
            + " it stops (SHUTDOWN stops it so)");
      }
      if (a.accept("ABORT")) {
        throw CommandError.err("SHUTDOWN ABORT is not supported: a stop, once begun, runs to its end");
      }
      if (!a.accept("SAVE") && !a.accept("NOW") && !a.accept("FORCE")) {
        throw CommandError.syntax();
      }
    }
    c.server().requestStop(c);
    c.quit();
  }

  // --- FLUSHDB ---

  /**
   * FLUSHDB [ASYNC|SYNC]: drops the selected namespace and the namespaces of its vector sets, every file of
   * them; both modes return once they are gone.
   */
  private static void flushdb(ClientSession c, Args a) throws IOException {
    // ASYNC and SYNC alike: the files are gone before the reply (Redis' ASYNC frees memory in the background).
    if (!a.accept("ASYNC")) {
      a.accept("SYNC");
    }
    if (a.hasNext()) {
      throw CommandError.syntax();
    }
    c.server().flush(c.namespace());
    c.writer().simple("OK");
  }

  // --- CONFIG ---

  private static void config(ClientSession c, Args a) throws IOException {
    String sub = a.lower(1);
    switch (sub) {
      case "get" -> {
        if (a.size() < 3) {
          throw CommandError.err("wrong number of arguments for 'config|get' command");
        }
        Map<String, String> all = parameters(c.server());
        Map<String, String> hits = new LinkedHashMap<>();
        for (int i = 2; i < a.size(); i++) {
          Glob pattern = Glob.of(a.lower(i));
          all.forEach((k, v) -> {
            if (pattern.matches(k)) {
              hits.put(k, v);
            }
          });
        }
        RespWriter w = c.writer();
        w.map(hits.size());
        for (Map.Entry<String, String> e : hits.entrySet()) {
          w.bulk(e.getKey()).bulk(e.getValue());
        }
      }
      case "set" -> throw CommandError.err("CONFIG SET is not supported: restart the server with other options");
      case "resetstat" -> {
        a.requireSize(2);
        c.server().resetStats();
        c.writer().simple("OK");
      }
      case "help" -> SubcommandHelp.reply(c.writer(), "CONFIG", "GET <pattern> [<pattern> ...]",
          "SET (refused: restart the server with other options)", "RESETSTAT", "HELP");
      default -> throw CommandError.err("unknown subcommand '" + a.string(1) + "'. Try CONFIG HELP.");
    }
  }

  /** The parameters CONFIG GET reports, named as in Redis where one exists. */
  private static Map<String, String> parameters(ServerContext s) {
    ServerConfig cfg = s.config();
    Durability d = cfg.engine().durability();
    Map<String, String> p = new LinkedHashMap<>();
    p.put("save", ""); // no RDB snapshots: durability comes from the write-ahead log
    p.put("appendonly", d == Durability.OFF ? "no" : "yes");
    p.put("appendfsync", switch (d) {
      case SYNC -> "always";
      case ASYNC -> "everysec";
      case OFF -> "no";
    });
    p.put("bind", cfg.bind().getHostAddress());
    p.put("port", Integer.toString(cfg.port()));
    p.put("dir", cfg.dir().toAbsolutePath().toString());
    p.put("maxclients", Integer.toString(cfg.maxConnections()));
    p.put("timeout", Long.toString(cfg.idleTimeout().toSeconds()));
    p.put("proto-max-bulk-len", Integer.toString(cfg.limits().maxBulkBytes()));
    p.put("client-query-buffer-limit", Long.toString(cfg.requestMemory()));
    // Redis' form: class, hard limit, soft limit, soft seconds (0 0: no soft limit)
    p.put("client-output-buffer-limit", "normal " + cfg.outputLimit() + " 0 0");
    p.put("protected-mode", cfg.password() == null ? "yes" : "no");
    return p;
  }

  // --- INFO ---

  private static void info(ClientSession c, Args a) throws IOException {
    List<String> wanted = new ArrayList<>();
    for (int i = 1; i < a.size(); i++) {
      String s = a.lower(i);
      if (s.equals("all") || s.equals("everything") || s.equals("default")) {
        wanted.addAll(INFO_SECTIONS);
      } else if (INFO_SECTIONS.contains(s)) {
        wanted.add(s);
      }
    }
    if (a.size() == 1) {
      wanted.addAll(INFO_SECTIONS);
    }
    StringBuilder sb = new StringBuilder();
    for (String section : INFO_SECTIONS) {
      if (wanted.contains(section)) {
        if (!sb.isEmpty()) {
          sb.append("\r\n");
        }
        sb.append("# ").append(Character.toUpperCase(section.charAt(0))).append(section.substring(1)).append("\r\n");
        section(c, section, sb);
      }
    }
    c.writer().bulk(sb.toString());
  }

  private static void section(ClientSession c, String section, StringBuilder sb) {
    ServerContext s = c.server();
    ServerConfig cfg = s.config();
    Runtime rt = Runtime.getRuntime();
    switch (section) {
      case "server" -> {
        field(sb, "redis_version", ConnectionCommands.COMPATIBLE_REDIS_VERSION);
        field(sb, "aeon_version", AEON_VERSION);
        field(sb, "redis_mode", "standalone");
        field(sb, "os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
            + System.getProperty("os.arch"));
        field(sb, "java_version", Runtime.version().toString());
        field(sb, "process_id", ProcessHandle.current().pid());
        field(sb, "tcp_port", cfg.port());
        field(sb, "uptime_in_seconds", s.uptimeMillis() / 1000);
      }
      case "clients" -> {
        field(sb, "connected_clients", s.connectedClients());
        field(sb, "maxclients", cfg.maxConnections());
        field(sb, "client_idle_timeout_seconds", cfg.idleTimeout().toSeconds());
        field(sb, "client_output_limit_bytes", cfg.outputLimit());
      }
      case "memory" -> {
        field(sb, "used_memory", rt.totalMemory() - rt.freeMemory());
        field(sb, "maxmemory", rt.maxMemory());
        field(sb, "request_bytes_held", s.requestBytesHeld());
        field(sb, "request_bytes_limit", cfg.requestMemory());
        field(sb, "output_bytes_held", s.outputBytesHeld());
        field(sb, "output_bytes_limit", cfg.outputMemory());
      }
      case "persistence" -> {
        field(sb, "durability", cfg.engine().durability());
        field(sb, "aof_enabled", cfg.engine().durability() == Durability.OFF ? 0 : 1);
        field(sb, "backup_dir", cfg.backupDir() == null ? "" : cfg.backupDir());
        field(sb, "backups_taken", s.backupsTaken());
        ServerContext.BackupOutcome last = s.lastBackup();
        field(sb, "last_backup_time", last == null ? 0 : last.atMillis() / 1000);
        field(sb, "last_backup_status", last == null ? "none" : last.ok() ? "ok" : "err");
      }
      case "stats" -> {
        field(sb, "total_connections_received", s.connectionsAccepted());
        field(sb, "rejected_connections", s.connectionsRejected());
        field(sb, "total_commands_processed", s.commandsProcessed());
        field(sb, "total_commands_on_command_pool", s.commandsOnPool());
        field(sb, "client_output_buffer_limit_disconnections", s.outputLimitDisconnections());
      }
      case "keyspace" -> {
        for (String ns : s.openNamespaces()) {
          // Not s.memory(ns): that would count as a use, and a monitor polling INFO would keep every
          // namespace open (or open again one closed since the list was taken).
          Memory m = s.ifOpen(ns).orElse(null);
          if (m == null) {
            continue;
          }
          try {
            MemoryStats st = m.stats();
            field(sb, ns, "events=" + st.events() + ",vectors=" + st.vectors() + ",edges=" + st.edges()
                + ",sessions=" + st.sessions() + ",wal_bytes=" + st.walBytes()
                + ",index_merges_waiting=" + st.indexMergesWaiting());
          } catch (RuntimeException e) {
            field(sb, ns, "error=" + e.getMessage());
          }
        }
      }
      default -> throw new IllegalStateException("no INFO section " + section);
    }
  }

  private static void field(StringBuilder sb, String name, Object value) {
    sb.append(name).append(':').append(value).append("\r\n");
  }

  // --- COMMAND ---

  private static void command(ClientSession c, Args a) throws IOException {
    CommandTable table = c.server().commands();
    RespWriter w = c.writer();
    List<CommandSpec> all = table.all().stream().sorted(Comparator.comparing(CommandSpec::name)).toList();
    if (a.size() == 1) {
      describeAll(w, all);
      return;
    }
    switch (a.lower(1)) {
      case "count" -> {
        a.requireSize(2);
        w.integer(all.size());
      }
      case "list" -> {
        List<String> names = listed(all, a);
        w.array(names.size());
        for (String name : names) {
          w.bulk(name);
        }
      }
      case "info" -> {
        if (a.size() == 2) { // every command, as Redis 7 answers
          describeAll(w, all);
          return;
        }
        w.array(a.size() - 2);
        for (int i = 2; i < a.size(); i++) {
          CommandSpec spec = table.get(a.lower(i));
          if (spec == null) {
            w.nullArray();
          } else {
            describe(w, spec);
          }
        }
      }
      case "docs" -> w.map(0); // no documentation: redis-cli then falls back to plain input
      case "help" -> SubcommandHelp.reply(w, "COMMAND", "(no subcommand): every command", "COUNT",
          "LIST [FILTERBY (MODULE <name> | ACLCAT <category> | PATTERN <pattern>)]",
          "INFO [<command-name> ...]", "DOCS", "HELP");
      default -> throw CommandError.err("unknown subcommand '" + a.string(1) + "'. Try COMMAND HELP.");
    }
  }

  /**
   * The names COMMAND LIST answers: every one, or with {@code FILTERBY PATTERN glob} those it matches; {@code FILTERBY
   * MODULE name} and {@code FILTERBY ACLCAT category} match none (no command here comes from a module or reports an
   * ACL category).
   */
  private static List<String> listed(List<CommandSpec> all, Args a) {
    if (a.size() == 2) {
      return all.stream().map(CommandSpec::name).toList();
    }
    a.requireSize(5);
    if (!a.lower(2).equals("filterby")) {
      throw CommandError.syntax();
    }
    return switch (a.lower(3)) {
      case "pattern" -> {
        Glob glob = Glob.of(a.string(4));
        yield all.stream().map(CommandSpec::name).filter(glob::matches).toList();
      }
      case "module", "aclcat" -> List.of();
      default -> throw CommandError.syntax();
    };
  }

  private static void describeAll(RespWriter w, List<CommandSpec> all) throws IOException {
    w.array(all.size());
    for (CommandSpec spec : all) {
      describe(w, spec);
    }
  }

  /** One entry of COMMAND's reply, in Redis 7's layout of ten fields. */
  private static void describe(RespWriter w, CommandSpec spec) throws IOException {
    w.array(10);
    w.bulk(spec.name());
    w.integer(spec.arity());
    w.set(spec.flags().size());
    for (String f : spec.flags()) {
      w.simple(f.toLowerCase(Locale.ROOT));
    }
    w.integer(spec.firstKey()).integer(spec.lastKey()).integer(spec.step());
    w.set(0); // ACL categories
    w.array(0); // tips
    w.array(0); // key specifications
    w.array(0); // subcommands
  }
}
