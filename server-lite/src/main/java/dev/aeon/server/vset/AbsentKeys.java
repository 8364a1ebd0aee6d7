package dev.aeon.server.vset;

import dev.aeon.engine.Memory;
import java.lang.ref.WeakReference;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The keys of vector sets a load found in no namespace, so that a client polling a key that does not exist is answered
 * from memory (on its connection's thread) rather than by a load on the pool each time, which lists every namespace
 * of the data directory to find those that may hold the key ({@link VectorSets#storageNamespaces}).
 *
 * <p>An entry never answers "absent" for a key that exists. Only a VADD creates a key (nothing else writes the
 * sessions of the vector sets' namespaces), and it calls {@link #created} once its first element is applied, before
 * it is acknowledged: that removes the key and counts a creation. A load notes the count before it looks ({@link
 * #creations}), and its "absent" is kept only if no creation came between ({@link #note}, under the same lock as
 * {@link #created}): a load that looked before a VADD's element was there and ends after it keeps nothing. An entry
 * also holds the instances of the namespaces the load looked into, and is used only while each is still the one the
 * engine hands out, or closed cleanly (as idle: every instance after it holds what it held): one that failed is
 * reopened with what its log made durable, which may hold a set whose delete it had not made durable. Those
 * instances are held weakly, so that an entry does not keep a closed namespace's memory; one collected voids the
 * entry. Each instance has one weak reference, shared by every entry whose load looked in it ({@link #absence}).
 *
 * <p>Bounded: at most {@link #MAX_KEYS} keys and {@link #MAX_KEY_CHARS} characters in all, as a client may ask for
 * millions of distinct absent keys: an entry counts its key's characters and {@link #CHARS_PER_INSTANCE} for each
 * instance its load looked in (one per dimension of the namespace's sets), whose references it holds. Past either
 * bound, arbitrary entries are evicted down to seven eighths of it; an evicted key costs its next read a load, as
 * before.
 */
final class AbsentKeys {

  static final int MAX_KEYS = 1 << 16;
  static final long MAX_KEY_CHARS = 4L << 20;
  /**
   * What an entry's reference to an instance its load looked in counts for against {@link #MAX_KEY_CHARS}: its 4 bytes
   * (the weak reference is shared), as a key's character is 1 or 2.
   */
  static final int CHARS_PER_INSTANCE = 4;
  /** A longer key is not kept: no key can be that long (a VADD refuses a key of more than 1,019 bytes). */
  static final int LONGEST_KEPT = 1024;

  /** What a load that found a key nowhere saw: the creations counted before it looked, the instances it looked in. */
  record Absence(long creationsBefore, List<WeakReference<Memory>> lookedIn) {}

  private final ConcurrentHashMap<String, Absence> known = new ConcurrentHashMap<>();
  /** The one weak reference to each instance an entry names, under this object's lock; gone with the instance. */
  private final WeakHashMap<Memory, WeakReference<Memory>> references = new WeakHashMap<>();
  /** Written under this object's lock (as {@link #chars}); read without. */
  private volatile long creations;
  /** What the entries count for against {@link #MAX_KEY_CHARS} ({@link #chars(String, Absence)}). */
  private long chars;

  /** How many keys VADD created so far: a load reads it before it looks into the namespaces. */
  long creations() {
    return creations;
  }

  /**
   * What a load that found a key nowhere saw, to keep ({@link #note}): {@code creationsBefore}, read before it looked,
   * and the instances it looked in, referred to by the references shared with the other entries that name them.
   */
  synchronized Absence absence(long creationsBefore, List<Memory> lookedIn) {
    return new Absence(creationsBefore,
        lookedIn.stream().map(m -> references.computeIfAbsent(m, WeakReference::new)).toList());
  }

  /**
   * Whether {@code key} of user namespace {@code ns} is known absent: a load found it nowhere, no VADD created it
   * since, and every namespace instance the load looked in is still current or closed cleanly. {@code current} gives
   * the instance the engine hands out now for a namespace name (on a connection's thread, it sends the command to the
   * pool if that namespace is not open or has failed).
   */
  boolean isAbsent(String ns, String key, Function<String, Memory> current) {
    String k = ns + '\0' + key;
    Absence a = known.get(k);
    if (a == null) {
      return false;
    }
    for (WeakReference<Memory> ref : a.lookedIn()) {
      Memory m = ref.get();
      if (m == null || !m.closedCleanly() && current.apply(m.name()) != m) {
        remove(k, a);
        return false;
      }
    }
    return true;
  }

  /**
   * Keeps {@code absence} for the key, found nowhere by a load, unless a VADD created a key since the load began: it
   * may have created this one after the load looked.
   */
  synchronized void note(String ns, String key, Absence absence) {
    if (absence.creationsBefore() != creations || key.length() > LONGEST_KEPT) {
      return;
    }
    String k = ns + '\0' + key;
    Absence replaced = known.put(k, absence);
    chars += chars(k, absence) - (replaced == null ? 0 : chars(k, replaced));
    if (known.size() > MAX_KEYS || chars > MAX_KEY_CHARS) {
      evict();
    }
  }

  /** A VADD created {@code key}, its first element applied and not yet acknowledged. */
  synchronized void created(String ns, String key) {
    creations++;
    remove(ns + '\0' + key, null);
  }

  /** Forgets the keys of user namespace {@code ns}, whose vector sets FLUSHDB dropped. */
  synchronized void forget(String ns) {
    String prefix = ns + '\0';
    for (String k : known.keySet()) {
      if (k.startsWith(prefix)) {
        remove(k, null);
      }
    }
  }

  /** How many keys are kept now (tests). */
  int size() {
    return known.size();
  }

  /** Removes the key's entry, if it is {@code which} (any if null). */
  private synchronized void remove(String k, Absence which) {
    Absence removed = which == null ? known.remove(k) : known.remove(k, which) ? which : null;
    if (removed != null) {
      chars -= chars(k, removed);
    }
  }

  /** What an entry counts for against {@link #MAX_KEY_CHARS}. */
  private static long chars(String k, Absence a) {
    return k.length() + (long) CHARS_PER_INSTANCE * a.lookedIn().size();
  }

  /** Down to seven eighths of either bound, in the map's order: which keys go does not matter, only how many. */
  private void evict() {
    Iterator<Map.Entry<String, Absence>> it = known.entrySet().iterator();
    while (it.hasNext() && (known.size() > MAX_KEYS / 8 * 7 || chars > MAX_KEY_CHARS / 8 * 7)) {
      Map.Entry<String, Absence> e = it.next();
      chars -= chars(e.getKey(), e.getValue());
      it.remove();
    }
  }
}
