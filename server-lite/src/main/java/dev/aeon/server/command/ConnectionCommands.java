package dev.aeon.server.command;

import dev.aeon.common.AsciiCase;
import dev.aeon.engine.Aeon;
import dev.aeon.server.ClientSession;
import dev.aeon.server.resp.RespWriter;
import dev.aeon.server.vset.DimensionNamespaces;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

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
      if (AsciiCase.equalsIgnoreCase(option, "AUTH") && a.remaining() >= 2) {
        authenticate(c, a.nextString(), a.nextBytes());
      } else if (AsciiCase.equalsIgnoreCase(option, "SETNAME") && a.remaining() >= 1) {
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

  /** CLIENT SETINFO LIB-NAME|LIB-VER value: what library the client is, shown by CLIENT LIST (Jedis sends both). */
  private static void setInfo(ClientSession c, String attribute, String value) {
    boolean name = attribute.equals("lib-name");
    if (!name && !attribute.equals("lib-ver")) {
      throw CommandError.err("Unrecognized option '" + attribute + "'");
    }
    if (!printableWithoutSpaces(value)) {
      throw CommandError.err(attribute + " cannot contain spaces, newlines or special characters.");
    }
    if (name) {
      c.libraryName(value);
    } else {
      c.libraryVersion(value);
    }
  }

  /** CLIENT LIST [TYPE type | ID id...]: one filter, as in Redis; this server's clients are all of type normal. */
  private static List<ClientSession> listed(ClientSession c, Args a) {
    List<ClientSession> all = c.server().clients();
    if (a.size() == 2) {
      return all;
    }
    if (a.size() == 4 && a.lower(2).equals("type")) {
      return clientType(a.lower(3)) ? all : List.of();
    }
    if (a.size() > 3 && a.lower(2).equals("id")) {
      Set<Long> ids = new HashSet<>();
      for (int i = 3; i < a.size(); i++) {
        ids.add(clientId(a.string(i), "Invalid client ID"));
      }
      return all.stream().filter(s -> ids.contains(s.id())).toList();
    }
    throw CommandError.syntax();
  }

  /**
   * CLIENT KILL ip:port (OK, or an error if no client has that address), or CLIENT KILL with filters (the number
   * of clients disconnected; the caller is spared unless SKIPME no). A client disconnected loses the replies not
   * yet sent to it; the caller, if it is one, gets this reply first.
   */
  private static void kill(ClientSession c, Args a) throws IOException {
    if (a.size() == 3) {
      String address = a.string(2);
      ClientSession target = c.server().clients().stream().filter(s -> s.address().equals(address)).findFirst()
          .orElseThrow(() -> CommandError.err("No such client"));
      disconnect(c, target);
      c.writer().simple("OK");
      return;
    }
    if (a.size() % 2 != 0) {
      throw CommandError.syntax();
    }
    Predicate<ClientSession> matches = s -> true;
    boolean skipMe = true;
    for (int i = 2; i < a.size(); i += 2) {
      String value = a.string(i + 1);
      switch (a.lower(i)) {
        case "id" -> {
          long id = clientId(value, "client-id should be greater than 0");
          matches = matches.and(s -> s.id() == id);
        }
        case "addr" -> matches = matches.and(s -> s.address().equals(value));
        case "laddr" -> matches = matches.and(s -> s.localAddress().equals(value));
        case "type" -> {
          if (!clientType(AsciiCase.lower(value))) {
            matches = s -> false;
          }
        }
        case "user" -> {
          if (!value.equals("default")) {
            throw CommandError.err("No such user '" + value + "'");
          }
        }
        case "skipme" -> skipMe = switch (AsciiCase.lower(value)) {
          case "yes" -> true;
          case "no" -> false;
          default -> throw CommandError.syntax();
        };
        case "maxage" -> {
          long age = Args.parseLong(value);
          matches = matches.and(s -> s.ageSeconds() > age);
        }
        default -> throw CommandError.syntax();
      }
    }
    int killed = 0;
    for (ClientSession s : c.server().clients()) {
      if (matches.test(s) && !(skipMe && s == c)) {
        disconnect(c, s);
        killed++;
      }
    }
    c.writer().integer(killed);
  }

  /** Disconnects {@code target} now, or, if it is the caller, once this command's reply is sent. */
  private static void disconnect(ClientSession caller, ClientSession target) {
    if (target == caller) {
      caller.quit();
    } else {
      target.disconnect();
    }
  }

  /** Whether clients of the type Redis names {@code type} (lower case) are among this server's: only normal ones. */
  private static boolean clientType(String type) {
    return switch (type) {
      case "normal" -> true;
      case "master", "replica", "slave", "pubsub" -> false;
      default -> throw CommandError.err("Unknown client type '" + type + "'");
    };
  }

  private static long clientId(String s, String error) {
    long id;
    try {
      id = Args.parseLong(s);
    } catch (CommandError e) {
      throw CommandError.err(error);
    }
    if (id <= 0) {
      throw CommandError.err(error);
    }
    return id;
  }

  /** As Redis: a client name is printable ASCII without spaces ('!' to '~'), or empty to clear it. */
  private static String checkClientName(String name) {
    if (!printableWithoutSpaces(name)) {
      throw CommandError.err("Client names cannot contain spaces, newlines or special characters.");
    }
    return name;
  }

  private static boolean printableWithoutSpaces(String s) {
    return s.chars().allMatch(ch -> ch >= '!' && ch <= '~');
  }

  private static void client(ClientSession c, Args a) throws IOException {
    String sub = a.lower(1);
    RespWriter w = c.writer();
    // Each subcommand takes a fixed number of arguments, as in Redis (CLIENT ID x is an arity error there).
    switch (sub) {
      case "id", "getname", "info" -> a.requireSize(2);
      case "kill" -> {
        if (a.size() < 3) {
          a.requireSize(3);
        }
      }
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
      case "setinfo" -> {
        setInfo(c, a.lower(2), a.string(3));
        w.simple("OK");
      }
      case "info" -> w.bulk(c.describe() + "\n");
      case "list" -> {
        StringBuilder out = new StringBuilder();
        for (ClientSession other : listed(c, a)) {
          out.append(other.describe()).append('\n');
        }
        w.bulk(out.toString());
      }
      case "kill" -> kill(c, a);
      case "help" -> SubcommandHelp.reply(w, "CLIENT", "ID", "GETNAME", "SETNAME <name>",
          "SETINFO <LIB-NAME|LIB-VER> <value>", "INFO", "LIST [TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID <id> ...]",
          "KILL <ip:port>", "KILL <option> <value> [<option> <value> ...]: ID, ADDR, LADDR, USER, TYPE, SKIPME, MAXAGE",
          "HELP");
      default -> throw CommandError.err("unknown subcommand '" + a.string(1) + "'. Try CLIENT HELP.");
    }
  }
}
