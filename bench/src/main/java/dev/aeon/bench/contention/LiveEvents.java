package dev.aeon.bench.contention;

import org.agrona.collections.IntArrayList;
import org.agrona.collections.LongArrayList;

/**
 * The events in the memory during the phases: each one's id and its {@link Workload} item, side by side, so
 * that the writer can forget a random one and give its item back. Used by one thread at a time.
 */
final class LiveEvents {

  private final LongArrayList ids;
  private final IntArrayList items;

  LiveEvents(int capacity) {
    ids = new LongArrayList(capacity, Long.MIN_VALUE);
    items = new IntArrayList(capacity, Integer.MIN_VALUE);
  }

  void add(long id, int item) {
    ids.addLong(id);
    items.addInt(item);
  }

  int size() {
    return ids.size();
  }

  long id(int index) {
    return ids.getLong(index);
  }

  int item(int index) {
    return items.getInt(index);
  }

  /** Takes out the event at {@code index}, the last one taking its place (the order does not matter). */
  void remove(int index) {
    ids.fastUnorderedRemove(index);
    items.fastUnorderedRemove(index);
  }
}
