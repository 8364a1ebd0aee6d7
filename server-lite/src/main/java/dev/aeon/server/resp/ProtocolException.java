package dev.aeon.server.resp;

/**
 * The one error the decoder throws for bad input: a malformed frame, or a frame over one of the limits.
 * Its message is the text of the RESP error the server sends before it closes the connection, e.g.
 * {@code "ERR Protocol error: invalid bulk length"}.
 */
public final class ProtocolException extends Exception {

  public ProtocolException(String message) {
    super(message, null, false, false);
  }
}
