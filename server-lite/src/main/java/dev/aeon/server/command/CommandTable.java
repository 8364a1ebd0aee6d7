package dev.aeon.server.command;

import dev.aeon.server.ClientSession;
import dev.aeon.server.ServerLog;
import dev.aeon.server.mem.MemCommands;
import dev.aeon.server.resp.RespWriter;
import dev.aeon.server.vset.VectorSetCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every command the server knows, by lower-case name, and the dispatch that checks authentication and
 * arity, runs the command and turns its failure into one error reply.
 */
public final class CommandTable {

  private final Map<String, CommandSpec> byName = new HashMap<>();

  /** The table with every command of the server. */
  public static CommandTable standard() {
    CommandTable t = new CommandTable();
    ConnectionCommands.register(t);
    ServerCommands.register(t);
    VectorSetCommands.register(t);
    MemCommands.register(t);
    return t;
  }

  /** Adds a command; {@code flags} as in Redis' COMMAND reply ("no-auth" lets it run before AUTH). */
  public void add(String name, int arity, List<String> flags, int firstKey, int lastKey, int step, Command handler) {
    if (byName.putIfAbsent(name, new CommandSpec(name, arity, flags, firstKey, lastKey, step, handler)) != null) {
      throw new IllegalStateException("command registered twice: " + name);
    }
  }

  public CommandSpec get(String lowerCaseName) {
    return byName.get(lowerCaseName);
  }

  public Collection<CommandSpec> all() {
    return byName.values();
  }

  /** Runs one command and writes its one reply (an error reply when it fails). */
  public void dispatch(ClientSession client, byte[][] argv) throws IOException {
    RespWriter w = client.writer();
    Args args = new Args(argv);
    CommandSpec spec = byName.get(args.name());
    if (spec == null) {
      w.error(unknownCommand(args));
      return;
    }
    if (!client.authenticated() && !spec.allowedWithoutAuth()) {
      w.error("NOAUTH Authentication required.");
      return;
    }
    if (!spec.arityMatches(argv.length)) {
      w.error("ERR wrong number of arguments for '" + spec.name() + "' command");
      return;
    }
    w.mark();
    try {
      spec.handler().run(client, args);
    } catch (RuntimeException e) {
      if (!w.resetToMark()) {
        throw new IOException("the reply of '" + spec.name() + "' failed after part of it was sent", e);
      }
      w.error(errorText(spec, e));
    }
  }

  private static String errorText(CommandSpec spec, RuntimeException e) {
    return switch (e) {
      case CommandError ce -> ce.getMessage();
      case IllegalArgumentException iae -> "ERR " + iae.getMessage();
      case IllegalStateException ise -> "ERR " + ise.getMessage();
      case UnsupportedOperationException uoe -> "ERR " + uoe.getMessage();
      case UncheckedIOException io -> "ERR I/O error: " + io.getMessage();
      default -> {
        ServerLog.warn("command '" + spec.name() + "' failed: " + e);
        yield "ERR internal error in '" + spec.name() + "': " + e;
      }
    };
  }

  private static String unknownCommand(Args args) {
    StringBuilder sb = new StringBuilder("ERR unknown command '").append(clip(args.string(0)))
        .append("', with args beginning with: ");
    for (int i = 1; i < args.size() && sb.length() < 256; i++) {
      sb.append('\'').append(clip(args.string(i))).append("' ");
    }
    return sb.toString();
  }

  private static String clip(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }
}
