package dev.aeon.query.exec;

import dev.aeon.query.lang.Parser;
import dev.aeon.query.lang.Statement;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The statements parsed lately, by their text: one run again (with other parameters) is not parsed again. A parsed
 * statement is immutable, and planning and running never change it, so concurrent runs share it. Statements that
 * fail to parse are not kept (each run reports its error again).
 */
final class ParsedStatements {

  /** How many statements are kept; past it, one is dropped for each new one. */
  static final int CAPACITY = 256;
  /** Longer statements are parsed every time (few are, and they would hold the most memory). */
  static final int MAX_KEPT_LENGTH = 4096;

  private final ConcurrentHashMap<String, Statement> byText = new ConcurrentHashMap<>();

  Statement parse(String text) {
    if (text == null || text.length() > MAX_KEPT_LENGTH) {
      return Parser.parse(text);
    }
    Statement st = byText.get(text);
    if (st == null) {
      st = Parser.parse(text);
      if (byText.size() >= CAPACITY) {
        Iterator<String> any = byText.keySet().iterator(); // an arbitrary one: no order to keep under contention
        if (any.hasNext()) {
          byText.remove(any.next());
        }
      }
      byText.put(text, st);
    }
    return st;
  }

  int size() {
    return byText.size();
  }
}
