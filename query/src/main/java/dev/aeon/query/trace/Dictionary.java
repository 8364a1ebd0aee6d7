package dev.aeon.query.trace;

import java.util.concurrent.ConcurrentHashMap;

/** Interned strings (sessions, roles, edge types) and their dense ids; one writer, lock-free readers. */
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
   * Writer only: re-adds a string read back from the meta log under its recorded id: the next id, or one
   * read as freed before ({@link #restoreFreed}), whose name was used again before a reopen.
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

  long heapBytes() {
    return strings.heapBytes() + size * 96L;
  }
}
