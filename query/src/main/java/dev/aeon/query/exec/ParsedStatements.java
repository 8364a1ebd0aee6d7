package dev.aeon.query.exec;

import dev.aeon.query.lang.Parser;
import dev.aeon.query.lang.Statement;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The statements parsed lately, by their text: one run again (with other parameters) is not parsed again. A parsed
 * statement is immutable, and planning and running never change it, so concurrent runs share it. Statements that
 * fail to parse are not kept (each run reports its error again). Past {@link #CAPACITY} statements or
 * {@link #MAX_KEPT_CHARS} characters, those used least recently make room for a new one; a hit only stamps its entry
 * with the clock (no counter all readers would write), so readers never wait for each other.
 */
final class ParsedStatements {

  /** How many statements are kept. */
  static final int CAPACITY = 256;
  /** Longer statements are parsed every time (few are, and they would hold the most memory). */
  static final int MAX_KEPT_LENGTH = 4096;
  /**
   * How many characters of statements are kept, all together: a parsed statement's size grows with its text, so this
   * bounds what a namespace keeps however long its statements are.
   */
  static final long MAX_KEPT_CHARS = 256 * 1024;

  private static final class Entry {
    final Statement statement;
    volatile long lastUsed;

    Entry(Statement statement, long now) {
      this.statement = statement;
      this.lastUsed = now;
    }
  }

  private final ConcurrentHashMap<String, Entry> byText = new ConcurrentHashMap<>();
  private final AtomicLong keptChars = new AtomicLong();

  Statement parse(String text) {
    if (text == null || text.length() > MAX_KEPT_LENGTH) {
      return Parser.parse(text);
    }
    Entry e = byText.get(text);
    if (e != null) {
      e.lastUsed = System.nanoTime();
      return e.statement;
    }
    Statement st = Parser.parse(text);
    while (!byText.isEmpty() && (byText.size() >= CAPACITY || keptChars.get() + text.length() > MAX_KEPT_CHARS)) {
      evictLeastRecentlyUsed();
    }
    if (byText.put(text, new Entry(st, System.nanoTime())) == null) {
      keptChars.addAndGet(text.length());
    }
    return st;
  }

  /** A scan of the entries, only when a new statement is parsed into a full cache: parsing costs more. */
  private void evictLeastRecentlyUsed() {
    Map.Entry<String, Entry> oldest = null;
    for (Map.Entry<String, Entry> x : byText.entrySet()) {
      if (oldest == null || x.getValue().lastUsed < oldest.getValue().lastUsed) {
        oldest = x;
      }
    }
    if (oldest != null && byText.remove(oldest.getKey(), oldest.getValue())) {
      keptChars.addAndGet(-oldest.getKey().length());
    }
  }

  int size() {
    return byText.size();
  }

  long keptChars() {
    return keptChars.get();
  }

  /** The texts kept now (for tests). */
  Set<String> keptTexts() {
    return byText.keySet();
  }
}
