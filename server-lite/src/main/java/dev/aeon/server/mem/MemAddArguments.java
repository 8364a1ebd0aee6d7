package dev.aeon.server.mem;

import dev.aeon.engine.Remember;
import dev.aeon.server.ServerContext;
import dev.aeon.server.command.Args;
import dev.aeon.common.AsciiCase;
import dev.aeon.server.command.CommandError;
import dev.aeon.server.command.VectorInput;

/**
 * MEM.ADD's arguments, read whole and nothing embedded yet: session role text [VECTOR (FP32 blob | VALUES n v... |
 * TEXT text)] [AT micros] [ATTRS json] [LINK type id]... The one reading of MEM.ADD's grammar, for the command and for
 * its light check ({@link MemCommands#addIfLight}), which asks it whether the command would embed and hands it to
 * the command it runs on the connection's thread: an option added
 * here is known to both, and a malformed command fails here for both (the check then leaves it to the pool, which
 * says what is wrong).
 */
final class MemAddArguments {

  /** The event as given, without its vector: that is {@link #vector}'s, embedded (if TEXT) only when remembered. */
  private final Remember event;
  /** The last VECTOR given (a later one replaces an earlier, as MEM.ADD always took them), or null for none. */
  private final VectorInput.Unembedded vector;

  private MemAddArguments(Remember event, VectorInput.Unembedded vector) {
    this.event = event;
    this.vector = vector;
  }

  /** Reads MEM.ADD's arguments from the cursor (after the command's name) to their end. */
  static MemAddArguments read(Args a) {
    Remember r = Remember.event(MemCommands.nextName(a, "session"), MemCommands.nextName(a, "role"),
        a.nextText("the text"));
    VectorInput.Unembedded vector = null;
    while (a.hasNext()) {
      String opt = a.nextString(); // as given, for the error
      switch (AsciiCase.upper(opt)) {
        case "VECTOR" -> vector = VectorInput.readUnembedded(a);
        case "AT" -> r.at(a.nextLong());
        case "ATTRS" -> MemCommands.eventAttributes(a.nextText("the attributes' JSON"), "ATTRS").forEach(r::attribute);
        case "LINK" -> r.link(MemCommands.nextName(a, "link type"), a.nextLong());
        default -> throw CommandError.unknownOption("MEM.ADD", opt);
      }
    }
    return new MemAddArguments(r, vector);
  }

  /**
   * Whether remembering it embeds nothing: its vector given as numbers, or none given to a server without an
   * embedder (which stores the text without a vector, or refuses it: {@link #event}).
   */
  boolean embedsNothing(ServerContext server) {
    return vector != null ? !vector.isText() : server.embedder() == null;
  }

  /**
   * The event to remember, a VECTOR TEXT embedded with the server's model. Without a VECTOR, refused by a server whose
   * model could not be loaded: only {@code --embedder none} stores the text without a vector, as elsewhere the event
   * would never be recalled, not even once the model is back (nothing embeds it later).
   */
  Remember event(ServerContext server) {
    if (vector != null) {
      VectorInput.Given v = vector.embed(server, false);
      event.vector(v.values(), v.model());
    } else if (server.embedder() == null && server.config().embedderFailure() != null) {
      throw CommandError.err(VectorInput.withoutEmbedder(server, "MEM.ADD without VECTOR")
          + "; give the event's vector with VECTOR, or start the server with --embedder none to store events"
          + " without one");
    }
    return event;
  }
}
