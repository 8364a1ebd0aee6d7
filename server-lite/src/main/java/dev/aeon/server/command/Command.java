package dev.aeon.server.command;

import dev.aeon.server.ClientSession;
import java.io.IOException;

/** One command's behaviour: reads its arguments and writes exactly one reply to the client. */
@FunctionalInterface
public interface Command {

  void run(ClientSession client, Args args) throws IOException;
}
