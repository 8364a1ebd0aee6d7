package dev.aeon.index.atlas.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * Maps vector ids to sidecar slots: one writer, lock-free readers. Open addressing with linear probing
 * over two parallel arrays; the writer stores the value, then the key with release semantics, and
 * readers load the key with acquire, so a reader that finds a key sees its value. Removal keeps the key
 * and stores {@link #ABSENT}; tombstoned keys are dropped when the writer rehashes into a new table,
 * which it publishes through a volatile field.
 */
public final class IdMap {

  public static final int ABSENT = -1;
  private static final long EMPTY = -1L;
  private static final VarHandle KEYS = MethodHandles.arrayElementVarHandle(long[].class);
  private static final VarHandle VALS = MethodHandles.arrayElementVarHandle(int[].class);

  private record Table(long[] keys, int[] vals) {}

  private volatile Table table = newTable(64);
  private int used;
  private int live;

  /** The slot of {@code id}, or {@link #ABSENT}. */
  public int get(long id) {
    Table t = table;
    int mask = t.keys.length - 1;
    for (int i = hash(id) & mask; ; i = (i + 1) & mask) {
      long k = (long) KEYS.getAcquire(t.keys, i);
      if (k == EMPTY) {
        return ABSENT;
      }
      if (k == id) {
        return (int) VALS.getAcquire(t.vals, i);
      }
    }
  }

  public int size() {
    return live;
  }

  /** Maps {@code id} (not negative) to {@code slot}, replacing any mapping. Writer only. */
  public void put(long id, int slot) {
    Table t = table;
    int i = find(t, id);
    if (t.keys[i] == id) {
      if (t.vals[i] == ABSENT) {
        live++;
      }
      VALS.setRelease(t.vals, i, slot);
      return;
    }
    VALS.setRelease(t.vals, i, slot);
    KEYS.setRelease(t.keys, i, id);
    used++;
    live++;
    if (used * 4L > t.keys.length * 3L) {
      rehash(t);
    }
  }

  /** Removes {@code id}; returns its slot or {@link #ABSENT}. Writer only. */
  public int remove(long id) {
    Table t = table;
    int i = find(t, id);
    if (t.keys[i] != id || t.vals[i] == ABSENT) {
      return ABSENT;
    }
    int slot = t.vals[i];
    VALS.setRelease(t.vals, i, ABSENT);
    live--;
    return slot;
  }

  /** Calls {@code action} for each live mapping. Writer only. */
  public void forEach(java.util.function.LongConsumer idAction) {
    Table t = table;
    for (int i = 0; i < t.keys.length; i++) {
      if (t.keys[i] != EMPTY && t.vals[i] != ABSENT) {
        idAction.accept(t.keys[i]);
      }
    }
  }

  private static int find(Table t, long id) {
    int mask = t.keys.length - 1;
    int i = hash(id) & mask;
    while (t.keys[i] != EMPTY && t.keys[i] != id) {
      i = (i + 1) & mask;
    }
    return i;
  }

  private void rehash(Table old) {
    int capacity = Integer.highestOneBit(Math.max(64, live * 4)) ;
    Table t = newTable(capacity);
    for (int i = 0; i < old.keys.length; i++) {
      if (old.keys[i] != EMPTY && old.vals[i] != ABSENT) {
        int j = find(t, old.keys[i]);
        t.keys[j] = old.keys[i];
        t.vals[j] = old.vals[i];
      }
    }
    used = live;
    table = t;
  }

  private static Table newTable(int capacity) {
    long[] keys = new long[capacity];
    Arrays.fill(keys, EMPTY);
    return new Table(keys, new int[capacity]);
  }

  private static int hash(long id) {
    long h = id * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }
}
