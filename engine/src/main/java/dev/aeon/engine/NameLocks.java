package dev.aeon.engine;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per namespace name, held while a namespace of that name is opened, closed, dropped or replaced, so
 * that these wait for each other and for nothing else. They ran inside {@code ConcurrentHashMap.compute} of the
 * namespaces' map, whose lock is that of a bin shared with other names: the open of one namespace (its replay)
 * or its close (the last checkpoint, and the reads the close waits for) held up the open of an unrelated one. A
 * name's lock exists only while it is held or waited for, so a server that has seen many names keeps none.
 */
final class NameLocks {

  /** Unlocks the name; once per {@link #lock}. */
  interface Held extends AutoCloseable {
    @Override
    void close();
  }

  private static final class Entry {
    final ReentrantLock lock = new ReentrantLock();
    int users; // holders and waiters; changed only inside compute for the name
  }

  private final ConcurrentHashMap<String, Entry> locks = new ConcurrentHashMap<>();

  /** Waits for {@code name}'s lock and takes it. */
  Held lock(String name) {
    Entry e = locks.compute(name, (n, current) -> {
      Entry entry = current == null ? new Entry() : current;
      entry.users++;
      return entry;
    });
    e.lock.lock();
    return () -> {
      e.lock.unlock();
      locks.computeIfPresent(name, (n, current) -> --current.users == 0 ? null : current);
    };
  }

  /** How many names have a lock now (tests). */
  int size() {
    return locks.size();
  }
}
