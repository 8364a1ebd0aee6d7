package dev.aeon.server.command;

import dev.aeon.server.resp.RespWriter;
import java.io.IOException;

/**
 * The reply of {@code CLIENT HELP}, {@code COMMAND HELP} and {@code CONFIG HELP}, which an unknown subcommand's
 * error points to: one line per subcommand, as in Redis.
 */
final class SubcommandHelp {

  private SubcommandHelp() {}

  static void reply(RespWriter w, String command, String... subcommands) throws IOException {
    w.array(subcommands.length + 1);
    w.simple(command + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
    for (String s : subcommands) {
      w.simple(s);
    }
  }
}
