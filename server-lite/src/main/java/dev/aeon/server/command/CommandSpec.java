package dev.aeon.server.command;

import java.util.List;

/**
 * A command in the table, described as Redis' COMMAND reply describes it.
 *
 * @param name lower-case name
 * @param arity argument count with the name: n means exactly n, -n means at least n
 * @param flags e.g. "write", "readonly", "fast", "noauth"
 * @param firstKey position of the first key (0: no key)
 * @param lastKey position of the last key (-1: the last argument)
 * @param step distance between keys
 * @param handler what it does
 */
public record CommandSpec(String name, int arity, List<String> flags, int firstKey, int lastKey, int step,
    Command handler) {

  public boolean arityMatches(int argc) {
    return arity >= 0 ? argc == arity : argc >= -arity;
  }

  public boolean allowedWithoutAuth() {
    return flags.contains("no-auth");
  }

  /** Constant-time work that runs on the connection's own thread ("fast" in Redis' flags). */
  public boolean fast() {
    return flags.contains("fast");
  }
}
