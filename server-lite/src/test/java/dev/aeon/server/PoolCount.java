package dev.aeon.server;

/**
 * Counts, for a test, the commands a server ran on its pool of command threads rather than on their connections'
 * threads: INFO stats' {@code total_commands_on_command_pool}, less the INFO calls that asked (INFO runs on the pool,
 * so each call counts itself). One per test instance: it remembers how many INFO calls it made.
 */
final class PoolCount {

  private long infos;

  /** The commands run on the pool so far, less this counter's own INFO calls. */
  long of(RespClient c) throws Exception {
    String info = (String) c.call("INFO", "stats");
    infos++;
    for (String line : info.split("\r\n")) {
      if (line.startsWith("total_commands_on_command_pool:")) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1)) - infos;
      }
    }
    throw new AssertionError("no total_commands_on_command_pool in INFO stats: " + info);
  }
}
