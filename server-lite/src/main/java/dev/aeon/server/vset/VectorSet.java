package dev.aeon.server.vset;

import dev.aeon.engine.Event;
import dev.aeon.engine.Memory;
import dev.aeon.server.vset.StoredVector.Quantization;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One vector set: the session {@code vset:<key>} of the namespace that holds the selected namespace's vector sets
 * of its dimension, with one event per element (text = element name, vector indexed by the engine, attributes =
 * the stored vector and the JSON attributes). The element-to-event map lives in memory and is rebuilt from the
 * session's history when the set is first used after a start. Mutations hold the set's lock; searches do not.
 */
final class VectorSet {

  static final String ROLE = "element";
  static final String SESSION_PREFIX = "vset:";

  final String namespace;
  final String key;
  final ConcurrentHashMap<String, Long> ids = new ConcurrentHashMap<>();
  /**
   * The namespace the elements live in; null until the first element fixes the dimension. Its name, not its
   * Memory: a namespace that failed is reopened by the engine as a new Memory ({@link VectorSets#memoryOf}).
   */
  private volatile String storage;
  private volatile int dimension;
  private volatile Quantization quantization;
  /** Set when the set became empty and left the registry; a writer holding it must look it up again. */
  volatile boolean dropped;

  VectorSet(String namespace, String key) {
    this.namespace = namespace;
    this.key = key;
  }

  String session() {
    return SESSION_PREFIX + key;
  }

  String storage() {
    return storage;
  }

  /**
   * Loads the elements from {@code m}, the namespace {@code name} found to hold this set's session. If an update
   * was cut short by a crash (new event remembered, old one not yet forgotten), the newest event of the element
   * wins and the older one is forgotten now.
   */
  void load(String name, Memory m, List<Event> newestFirst) {
    for (Event e : newestFirst) {
      if (!ROLE.equals(e.role())) {
        continue;
      }
      if (ids.putIfAbsent(e.text(), e.id()) != null) {
        m.forget(e.id());
      } else if (storage == null) {
        StoredVector v = stored(e);
        bind(name, v.dimension(), v.quantization());
      }
    }
  }

  /** Fixes where the set lives, its dimension and quantization, when its first element arrives. */
  void bind(String namespace, int dim, Quantization q) {
    storage = namespace;
    dimension = dim;
    quantization = q;
  }

  static StoredVector stored(Event e) {
    Object enc = e.attributes().get(StoredVector.ATTRIBUTE);
    if (!(enc instanceof String s)) {
      throw new IllegalStateException("element '" + e.text() + "' (event " + e.id() + ") has no stored vector");
    }
    return StoredVector.decode(s, e.text());
  }

  int size() {
    return ids.size();
  }

  int dimension() {
    return dimension;
  }

  Quantization quantization() {
    return quantization;
  }

  /** The JSON attributes of an event of a set, or null. */
  static String attributesJson(Map<String, Object> attrs) {
    Object json = attrs.get(VectorSets.JSON_ATTRIBUTE);
    return json instanceof String s && !s.isEmpty() ? s : null;
  }
}
