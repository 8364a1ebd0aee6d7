package dev.aeon.server.command;

import dev.aeon.engine.Aeon;
import dev.aeon.server.ClientSession;
import dev.aeon.server.resp.RespWriter;
import dev.aeon.server.vset.DimensionNamespaces;
import java.io.IOException;
import java.util.List;

/** Commands about the connection itself: PING, ECHO, HELLO, AUTH, SELECT, CLIENT, RESET, QUIT. */
final class ConnectionCommands {

  static final String COMPATIBLE_REDIS_VERSION = "8.0.0";
  private static final String WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";

  private ConnectionCommands() {}

  static void register(CommandTable t) {
    t.add("ping", -1, List.of("fast"), 0, 0, 0, ConnectionCommands::ping);
    t.add("echo", 2, List.of("fast"), 0, 0, 0, (c, a) -> c.writer().bulk(a.bytes(1)));
    t.add("hello", -1, List.of("no-auth", "fast"), 0, 0, 0, ConnectionCommands::hello);
    t.add("auth", -2, List.of("no-auth", "fast"), 0, 0, 0, ConnectionCommands::auth);
    t.add("select", 2, List.of("fast"), 0, 0, 0, ConnectionCommands::select);
    t.add("quit", -1, List.of("no-auth", "fast"), 0, 0, 0, (c, a) -> {
      c.writer().simple("OK");
      c.quit();
    });
    t.add("reset", 1, List.of("no-auth", "fast"), 0, 0, 0, ConnectionCommands::reset);
    t.add("client", -2, List.of(), 0, 0, 0, ConnectionCommands::client);
  }

  private static void ping(ClientSession c, Args a) throws IOException {
    if (a.size() > 2) {
      throw CommandError.err("wrong number of arguments for 'ping' command");
    }
    if (a.size() == 2) {
      c.writer().bulk(a.bytes(1));
    } else {
      c.writer().simple("PONG");
    }
  }

  /** HELLO [protover [AUTH username password] [SETNAME clientname]] */
  private static void hello(ClientSession c, Args a) throws IOException {
    int protocol = c.writer().protocol();
    if (a.hasNext()) {
      long v;
      try {
        v = a.nextLong();
      } catch (CommandError e) {
        throw new CommandError("ERR Protocol version is not an integer or out of range");
      }
      if (v != 2 && v != 3) {
        throw new CommandError("NOPROTO unsupported protocol version");
      }
      protocol = (int) v;
    }
    String name = null;
    while (a.hasNext()) {
      String option = a.nextString();
      if (option.equalsIgnoreCase("AUTH") && a.remaining() >= 2) {
        authenticate(c, a.nextString(), a.nextBytes());
      } else if (option.equalsIgnoreCase("SETNAME") && a.remaining() >= 1) {
        name = checkClientName(a.nextString());
      } else {
        throw CommandError.err("Syntax error in HELLO option '" + option + "'");
      }
    }
    if (!c.authenticated()) {
      throw new CommandError("NOAUTH HELLO must be called with the client already authenticated, otherwise the "
          + "HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP "
          + "protocol version at the same time");
    }
    if (name != null) {
      c.name(name);
    }
    RespWriter w = c.writer();
    w.protocol(protocol);
    w.map(7);
    w.bulk("server").bulk("aeon");
    w.bulk("version").bulk(COMPATIBLE_REDIS_VERSION);
    w.bulk("proto").integer(protocol);
    w.bulk("id").integer(c.id());
    w.bulk("mode").bulk("standalone");
    w.bulk("role").bulk("master");
    w.bulk("modules").array(0);
  }

  /** AUTH password | AUTH username password; the only user is "default", as in Redis without ACLs. */
  private static void auth(ClientSession c, Args a) throws IOException {
    if (a.size() > 3) {
      throw CommandError.syntax();
    }
    if (!c.server().passwordRequired()) {
      if (a.size() == 2) {
        throw CommandError.err("AUTH <password> called without any password configured for the default user. "
            + "Are you sure your configuration is correct?");
      }
      c.writer().simple("OK"); // the default user has no password: any is accepted, as in Redis
      return;
    }
    String user = a.size() == 3 ? a.string(1) : "default";
    authenticate(c, user, a.bytes(a.size() - 1));
    c.writer().simple("OK");
  }

  private static void authenticate(ClientSession c, String user, byte[] password) {
    if (!c.server().passwordRequired()) {
      return;
    }
    boolean ok = c.server().passwordMatches(password) & "default".equals(user);
    if (!ok) {
      throw new CommandError(WRONGPASS); // as in Redis, a client already authenticated stays so
    }
    c.authenticated(true);
  }

  /** SELECT index|name: a number picks namespace "default" (0) or the namespace named by the digits. */
  private static void select(ClientSession c, Args a) throws IOException {
    String arg = a.string(1);
    String ns = arg.equals("0") ? Aeon.DEFAULT_NAMESPACE : arg;
    DimensionNamespaces.checkUserName(ns); // the vector sets' storage is reached only through the V* commands
    c.server().existingMemory(ns); // opens it if it exists (a damaged one is reported now); does not create it
    c.namespace(ns);
    c.writer().simple("OK");
  }

  private static void reset(ClientSession c, Args a) throws IOException {
    c.writer().protocol(2);
    c.namespace(Aeon.DEFAULT_NAMESPACE);
    c.name("");
    c.authenticated(!c.server().passwordRequired());
    c.writer().simple("RESET");
  }

  /** As Redis: a client name is printable ASCII without spaces ('!' to '~'), or empty to clear it. */
  private static String checkClientName(String name) {
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) < '!' || name.charAt(i) > '~') {
        throw CommandError.err("Client names cannot contain spaces, newlines or special characters.");
      }
    }
    return name;
  }

  private static void client(ClientSession c, Args a) throws IOException {
    String sub = a.lower(1);
    RespWriter w = c.writer();
    // Each subcommand takes a fixed number of arguments, as in Redis (CLIENT ID x is an arity error there).
    switch (sub) {
      case "id", "getname", "info" -> a.requireSize(2);
      case "setname" -> a.requireSize(3);
      case "setinfo" -> a.requireSize(4);
      default -> { }
    }
    switch (sub) {
      case "id" -> w.integer(c.id());
      case "getname" -> w.bulk(c.name().isEmpty() ? null : c.name());
      case "setname" -> {
        c.name(checkClientName(a.string(2)));
        w.simple("OK");
      }
      case "setinfo" -> w.simple("OK");
      case "info" -> w.bulk("id=" + c.id() + " addr=" + c.address() + " name=" + c.name() + " db="
          + c.namespace() + " resp=" + w.protocol() + "\n");
      case "help" -> SubcommandHelp.reply(w, "CLIENT", "ID", "GETNAME", "SETNAME <name>",
          "SETINFO <attr> <value>", "INFO", "HELP");
      default -> throw CommandError.err("unknown subcommand '" + a.string(1) + "'. Try CLIENT HELP.");
    }
  }
}
