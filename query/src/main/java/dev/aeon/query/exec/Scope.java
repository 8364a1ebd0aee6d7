package dev.aeon.query.exec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The variables of a query and their row positions, with what kind of value each holds. */
final class Scope {

  enum Kind {
    NODE("node"), REL("relationship"), PATH("variable-length relationship"), VALUE("value");

    final String text;

    Kind(String text) {
      this.text = text;
    }
  }

  private final Map<String, Integer> index = new HashMap<>();
  private final List<Kind> kinds = new ArrayList<>();
  private final List<String> names = new ArrayList<>();

  /** A copy, to declare more variables in without changing this scope. */
  Scope copy() {
    Scope c = new Scope();
    c.index.putAll(index);
    c.kinds.addAll(kinds);
    c.names.addAll(names);
    return c;
  }

  /** Declares a variable (hiding one of the same name); returns its row position. */
  int declare(String name, Kind kind) {
    index.put(name, kinds.size());
    kinds.add(kind);
    names.add(name);
    return kinds.size() - 1;
  }

  /** Row position of a variable, or -1. */
  int indexOf(String name) {
    Integer i = index.get(name);
    return i == null ? -1 : i;
  }

  Kind kind(int i) {
    return kinds.get(i);
  }

  String name(int i) {
    return names.get(i);
  }

  /**
   * The name as EXPLAIN shows a relationship's: empty for an anonymous one (`anonN`, backticks included). Nodes show
   * theirs, generated or not, which the filters on them name too.
   */
  String shown(int i) {
    return names.get(i).startsWith("`") ? "" : names.get(i);
  }

  int size() {
    return kinds.size();
  }
}
