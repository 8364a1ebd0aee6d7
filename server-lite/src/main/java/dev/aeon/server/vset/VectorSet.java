package dev.aeon.server.vset;

import dev.aeon.engine.Event;
import dev.aeon.engine.Memory;
import dev.aeon.server.vset.StoredVector.Quantization;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One vector set: the session {@code vset:<key>} of a namespace, one event per element (its text is the element
 * name, its vector is indexed by the engine, its attributes hold the stored vector and the JSON attributes).
 * The element-to-event map lives in memory and is rebuilt from the session's history when the set is first
 * used after a start. Mutations hold the set's lock; searches do not.
 */
final class VectorSet {

  static final String ROLE = "element";
  static final String SESSION_PREFIX = "vset:";

  final String namespace;
  final String key;
  final Memory memory;
  final ConcurrentHashMap<String, Long> ids = new ConcurrentHashMap<>();
  private volatile int dimension;
  private volatile Quantization quantization;
  /** Set when the set became empty and left the registry; a writer holding it must look it up again. */
  volatile boolean dropped;

  private VectorSet(String namespace, String key, Memory memory) {
    this.namespace = namespace;
    this.key = key;
    this.memory = memory;
  }

  String session() {
    return SESSION_PREFIX + key;
  }

  /**
   * Loads the set from the engine. If an update was cut short by a crash (new event remembered, old one not yet
   * forgotten), the newest event of the element wins and the older one is forgotten now.
   */
  static VectorSet load(String namespace, String key, Memory memory) {
    VectorSet set = new VectorSet(namespace, key, memory);
    List<Event> events = memory.history(set.session(), Integer.MAX_VALUE); // newest first
    for (Event e : events) {
      if (!ROLE.equals(e.role())) {
        continue;
      }
      if (set.ids.putIfAbsent(e.text(), e.id()) != null) {
        memory.forget(e.id());
      } else if (set.dimension == 0) {
        StoredVector v = stored(e);
        set.dimension = v.dimension();
        set.quantization = v.quantization();
      }
    }
    return set;
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

  /** Fixes the dimension and quantization when the first element arrives. */
  void shape(int dim, Quantization q) {
    dimension = dim;
    quantization = q;
  }

  /** The JSON attributes of an event of this set, or null. */
  static String attributesJson(Map<String, Object> attrs) {
    Object json = attrs.get(VectorSets.JSON_ATTRIBUTE);
    return json instanceof String s && !s.isEmpty() ? s : null;
  }
}
