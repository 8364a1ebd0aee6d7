package dev.aeon.server.command;

import java.util.Map;

/**
 * The engine's and the query language's messages in the server's words. They speak to a Java caller in places (an
 * option of {@code AeonOptions} that changes a limit, a {@code float[]} parameter), which a RESP client cannot set or
 * send: each such part is replaced by what the client can do. {@code RefusalWordsTest} pins every one over TCP, so a
 * change of the engine's words that one of these no longer matches fails there.
 */
final class EngineWords {

  private EngineWords() {}

  /** The Java-facing part of a message, and the server's words for it. */
  private static final Map<String, String> WORDS = Map.of(
      // An event's limit (half the log segment of AeonOptions, at most 16 MiB): the server has no flag for it.
      " one log record holds (half the largest log segment, AeonOptions.withWalSegmentBytes, at most 16 MiB)",
      " bytes of the largest event this server stores (no option of the server changes it)",
      // A statement's time limit (AeonOptions' 30 seconds): no flag either; the advice that follows stands.
      " (AeonOptions.withQueryTimeLimit):", ":",
      // recall() and similarity() given what is not a vector, a text above all: say how a client gives one.
      "a vector (float[] or a list of numbers)", "a vector (a list of numbers: a parameter given as a JSON array,"
          + " or EMBED name text, which gives the parameter the text's vector)");

  /** {@code message} with the Java-facing parts it holds in the server's words. */
  static String of(String message) {
    if (message == null) {
      return null;
    }
    String s = message;
    for (Map.Entry<String, String> w : WORDS.entrySet()) {
      if (s.contains(w.getKey())) {
        s = s.replace(w.getKey(), w.getValue());
      }
    }
    return s;
  }
}
