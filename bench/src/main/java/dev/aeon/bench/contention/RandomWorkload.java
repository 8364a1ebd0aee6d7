package dev.aeon.bench.contention;

import dev.aeon.engine.Remember;

/**
 * {@code --vectors random}: every event and query a fresh random unit vector ({@link VectorSource}), drawn in
 * the order the benchmark has always drawn them (queries, then the memory's events, then the writer's), so
 * that the figures of runs before {@code --vectors} existed stay comparable. Texts are short labels.
 */
final class RandomWorkload implements Workload {

  private final int events;
  private final VectorSource vectors;
  private final float[][] queries;
  private int nextItem;

  RandomWorkload(int events, int queries, int dim) {
    this.events = events;
    this.vectors = new VectorSource(dim, 42);
    this.queries = vectors.next(queries);
    this.nextItem = events;
  }

  @Override
  public VectorKind kind() {
    return VectorKind.RANDOM;
  }

  @Override
  public String description() {
    return vectors.description();
  }

  @Override
  public int events() {
    return events;
  }

  @Override
  public float[][] queries() {
    return queries;
  }

  @Override
  public Remember loaded(int i) {
    return Remember.event("s" + (i % 100), "user", "event " + i).vector(vectors.next());
  }

  /** A new item each time: random vectors never repeat, so nothing needs to be given back. */
  @Override
  public int take() {
    return nextItem++;
  }

  @Override
  public Remember event(int item) {
    return Remember.event("churn", "user", "churn event " + (item - events)).vector(vectors.next());
  }

  @Override
  public void giveBack(int item) {}
}
