package dev.aeon.bench.contention;

import dev.aeon.engine.Remember;

/**
 * What one run of the contention benchmark remembers and searches: the events of the memory loaded before
 * the phases, the readers' queries, and the events the writer remembers. Events are numbered items: the
 * loaded ones are items 0 to {@link #events()} - 1, and the writer {@link #take}s an item before it remembers
 * it and {@link #giveBack}s the item of every event it forgets, so that a workload with a fixed set of texts
 * never has one twice in the memory. Used by one thread at a time (the loader, then each phase's writer).
 */
interface Workload {

  VectorKind kind();

  /** What the vectors are, for the JSON and the console. */
  String description();

  /** How many events the memory holds before the phases (and keeps: the writer forgets one per new one). */
  int events();

  /** The readers' queries, none of them the vector of an event in the memory. */
  float[][] queries();

  /** The {@code i}-th event of the memory, item {@code i}; asked for in order, each once. */
  Remember loaded(int i);

  /** An item the writer remembers next: one not in the memory and not a query. */
  int take();

  /** The event of an item {@link #take} gave. */
  Remember event(int item);

  /** The event of {@code item} was forgotten (or its remember failed): the writer may take it again. */
  void giveBack(int item);
}
