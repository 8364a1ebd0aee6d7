package dev.aeon.query.trace;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Interned strings (sessions, roles, edge types) and their dense ids; one writer, lock-free readers. An id is
 * never handed out twice: a string a compaction freed ({@link #free}) is gone, and interned again it takes a new
 * id, so an id a reader holds names its own string or, once freed, none (null), never another.
 */
final class Dictionary {

  private final ConcurrentHashMap<String, Integer> ids = new ConcurrentHashMap<>();
  private final ObjectColumn<String> strings = new ObjectColumn<>();
  private volatile int size;

  /** The id of {@code s}, or -1 if it was never interned. */
  int id(String s) {
    Integer id = ids.get(s);
    return id == null ? -1 : id;
  }

  String string(int id) {
    return strings.get(id);
  }

  int size() {
    return size;
  }

  /** Writer only: adds {@code s} under the next id and returns that id. */
  int add(String s) {
    int id = size;
    strings.set(id, s);
    ids.put(s, id);
    size = id + 1;
    return id;
  }

  /**
   * Writer only: drops the string of {@code id}, which no live event or stored edge uses (a compaction freed it):
   * no lookup finds it any more and {@link #string} gives null. The id stays taken: the records of forgotten
   * events and removed edges name it.
   */
  void free(int id) {
    String s = strings.get(id);
    if (s != null) {
      ids.remove(s, id);
      strings.set(id, null);
    }
  }

  /**
   * Writer only: re-adds a string read back from the meta log under its recorded id: the next id, or one
   * read as freed before ({@link #restoreFreed}), whose name was used again before a reopen (written so by
   * versions that kept freed strings in memory until a reopen; a name used again now takes the next id).
   */
  void restore(int id, String s) {
    if (id >= 0 && id < size && strings.get(id) == null) {
      Integer earlier = ids.get(s);
      if (earlier != null) {
        throw new IllegalStateException("string '" + s + "' is logged again as id " + id + ", it is id " + earlier);
      }
      strings.set(id, s);
      ids.put(s, id);
      return;
    }
    if (id != size) {
      throw new IllegalStateException("dictionary id " + id + " out of order, expected " + size);
    }
    // Strings are logged once, when first interned. A second id would take over the lookups by the string,
    // and the events under the first id would drop out of them (a session's history).
    Integer earlier = ids.get(s);
    if (earlier != null) {
      throw new IllegalStateException("string '" + s + "' is logged again as id " + id + ", it is id " + earlier);
    }
    add(s);
  }

  /**
   * Writer only: takes the next id for a string a compaction erased ({@link MetaRecordDescriptor#KIND_FREED}):
   * no string has it, and no lookup finds it.
   */
  void restoreFreed(int id) {
    if (id != size) {
      throw new IllegalStateException("dictionary id " + id + " out of order, expected " + size);
    }
    size = id + 1;
  }

  /** How many strings are held (ids whose string is not freed). */
  int held() {
    return ids.size();
  }

  /** An estimate: the column, and per string held its map entry, boxed id and a short string. */
  long heapBytes() {
    return strings.heapBytes() + held() * 96L;
  }
}
