package dev.aeon.server.vset;

/**
 * For tests of what the server keeps in memory of its vector sets: how many sets its map holds now, loaded or being
 * loaded ({@code VectorSets.inMemory}). Lives in the package of {@link VectorSets} for that count.
 */
public final class SetsInMemory {

  private SetsInMemory() {}

  /** The sets {@code sets} holds in memory now. */
  public static int count(VectorSets sets) {
    return sets.inMemory();
  }
}
