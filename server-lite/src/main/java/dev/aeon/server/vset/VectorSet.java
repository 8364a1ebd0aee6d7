package dev.aeon.server.vset;

import dev.aeon.engine.Event;
import dev.aeon.engine.Memory;
import dev.aeon.server.vset.StoredVector.Quantization;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

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
  /** The namespace the elements live in; null until the first element fixes the dimension. */
  private volatile String storage;
  /**
   * The instance of that namespace the element map agrees with: the one it was loaded from, or the first element
   * written to, or the next one of an instance that closed cleanly ({@link #agreesWith}); null before. The engine
   * hands out another instance once this one failed (reopened with what its log made durable, which may lack what the
   * map says, and giving a lost event's id to the next one): the set is then read again from the new one ({@link
   * VectorSets}). Changed by compare-and-set only, but for a writer under the set's lock ({@link #writtenTo}).
   */
  private final AtomicReference<Memory> memory = new AtomicReference<>();
  private volatile int dimension;
  private volatile Quantization quantization;
  /**
   * Set, under the set's lock, when the set left the registry (it became empty, its namespace was dropped, or the
   * engine hands out another instance of its namespace than {@link #memory}); a writer holding it must look it up
   * again.
   */
  volatile boolean dropped;
  private volatile boolean loaded;
  /** What its load saw if it found the key in no namespace ({@link AbsentKeys}); null if it found it, or before. */
  private volatile AbsentKeys.Absence absence;
  /**
   * The older events of elements found twice by {@link #load}, still to be forgotten (under the set's lock, by {@link
   * VectorSets}): not by the load itself, as a forget may wait for its forced write, and the load holds the set's lock.
   */
  private final ArrayDeque<Long> duplicates = new ArrayDeque<>();
  private volatile boolean hasDuplicates;

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

  /** The instance of {@link #storage} the element map agrees with, or null before the set's first element. */
  Memory memory() {
    return memory.get();
  }

  /** Notes that the set's elements are written to {@code m}, the instance of its namespace it agrees with. */
  void writtenTo(Memory m) {
    memory.set(m);
  }

  /**
   * Whether the element map agrees with {@code current}, an instance of {@link #storage} the engine handed out: the
   * one it agrees with (or the set has no element yet), or a later one of an instance that closed cleanly (as idle:
   * {@link Memory#closedCleanly}), which the set then agrees with instead without being read again. Every event that
   * instance showed is in the namespace's files, so every instance after it holds the set's events by the ids the map
   * holds, even one reopened after a failure in between: that failure lost only events logged after it, and none of
   * the set's (a write to the set goes to the instance it agrees with, which it first switches to here). False if the
   * instance it agrees with failed, or was dropped: the set must be read again.
   */
  boolean agreesWith(Memory current) {
    while (true) {
      Memory m = memory.get();
      if (m == null || m == current) {
        return true;
      }
      if (!m.closedCleanly()) {
        return false;
      }
      if (memory.compareAndSet(m, current)) { // or another command switched it, or a writer wrote to another
        return true;
      }
    }
  }

  /**
   * Loads the elements from {@code newestFirst}, the session's events as {@code from}, an instance of namespace {@code
   * name}, gave them. If an update was cut short by a crash (new event remembered, old one not yet forgotten), the
   * newest event of the element wins and the older one is kept to be forgotten ({@link #forgetDuplicates}) before any
   * other write to the set.
   */
  void load(String name, Memory from, List<Event> newestFirst) {
    for (Event e : newestFirst) {
      if (!ROLE.equals(e.role())) {
        continue;
      }
      if (ids.putIfAbsent(e.text(), e.id()) != null) {
        duplicates.add(e.id());
        hasDuplicates = true;
      } else if (storage == null) {
        StoredVector v = stored(e);
        bind(name, v.dimension(), v.quantization());
        memory.set(from);
      }
    }
  }

  /** Whether the set was loaded ({@link VectorSets} loads it under its lock, once it is in the map of sets). */
  boolean isLoaded() {
    return loaded;
  }

  /** Notes, under the set's lock, that it was loaded. */
  void markLoaded() {
    loaded = true;
  }

  /** Notes, under the set's lock, that its load found the key in none of the namespaces it looked in. */
  void foundNowhere(AbsentKeys.Absence seen) {
    absence = seen;
  }

  /** What its load saw if it found the key nowhere, else null. */
  AbsentKeys.Absence absence() {
    return absence;
  }

  /** Whether {@link #load} found older events of elements that are not forgotten yet. */
  boolean hasDuplicates() {
    return hasDuplicates;
  }

  /**
   * Forgets in {@code m}, the set's namespace, the older events {@link #load} found; call under the set's lock. One
   * that the engine refuses, and those after it, stay to be forgotten by the next writer (an element's older event
   * left in the namespace would be its value again, after a restart, once its newest is forgotten).
   */
  void forgetDuplicates(Memory m) {
    while (!duplicates.isEmpty()) {
      m.forget(duplicates.peekFirst());
      duplicates.removeFirst();
    }
    hasDuplicates = false;
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
