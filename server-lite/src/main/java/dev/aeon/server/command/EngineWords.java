package dev.aeon.server.command;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The engine's and the query language's messages in the server's words. They speak to a Java caller in places (an
 * option of {@code AeonOptions} that changes a limit, a {@code float[]} parameter, the Java types of a WHERE value),
 * which a RESP client cannot set or send: each such part is replaced by what the client can do.
 * {@code RefusalWordsTest} pins every one over TCP, so a change of the engine's words that one of these no longer
 * matches fails there.
 */
final class EngineWords {

  private EngineWords() {}

  /**
   * The Java-facing part of a message, the server's words for it, and the whole message the engine makes around it:
   * a part is replaced only in that message, whose other words are the engine's (numbers, a type's name), never in
   * a message that quotes a client's text holding it (a string of a statement a parse error shows, say).
   */
  private record Word(String part, String replacement, Pattern message) {

    Word(String part, String replacement, String before, String after) {
      this(part, replacement, Pattern.compile(before + Pattern.quote(part) + after));
    }
  }

  private static final List<Word> WORDS = List.of(
      // An event's limit (half the log segment of AeonOptions, at most 16 MiB): the server has no flag for it. Nor
      // for a batch's (MEM.ADDALL), whose texts and vectors alone are checked first, then the whole record.
      new Word(" one log record holds (half the largest log segment, AeonOptions.withWalSegmentBytes, at most 16 MiB)",
          " bytes of the largest event this server stores (no option of the server changes it)",
          "(the text takes [0-9]+ bytes|this mutation takes [0-9]+ bytes in the log \\(its"
              + " text, vector and attributes\\)|the batch's texts and vectors take at least [0-9]+ bytes|the batch"
              + " of [0-9]+ events takes [0-9]+ bytes in the log \\(their texts, vectors and attributes\\)), more"
              + " than the [0-9]+", "(; nothing was remembered: remember its events in smaller batches)?"),
      // A statement's time limit (AeonOptions' 30 seconds): no flag either; the advice that follows stands.
      new Word(" (AeonOptions.withQueryTimeLimit):", ":", "the statement ran past its time limit of [0-9]+ ms",
          " bound its variable-length patterns, or start from fewer nodes"),
      // recall() and similarity() given what is not a vector, a text above all: say how a client gives one.
      new Word("a vector (float[] or a list of numbers)", "a vector (a list of numbers: a parameter given as a JSON"
          + " array, or EMBED name text, which gives the parameter the text's vector)", "[a-zA-Z]+\\(\\) needs ",
          " as (first|second) argument but got [a-z]+"),
      // A WHERE value the server read as a JSON array (the only value of another type it reads): the engine names the
      // Java types Recall.where takes, which a client cannot send.
      new Word("a List never equals a stored attribute (use String, Boolean, Long, Integer, Short, Byte, Double or"
          + " Float)", "a JSON array never equals a stored attribute (a WHERE value is a number, boolean or string)",
          "where\\('[\\s\\S]*'\\): ", ""));

  /** {@code message} with the Java-facing part it holds in the server's words, if it is one of those messages. */
  static String of(String message) {
    if (message == null) {
      return null;
    }
    for (Word w : WORDS) {
      if (w.message.matcher(message).matches()) { // the part once, where the engine puts it: after a client's name
        int at = message.lastIndexOf(w.part);
        return message.substring(0, at) + w.replacement + message.substring(at + w.part.length());
      }
    }
    return message;
  }
}
