package dev.aeon.server.vset;

/**
 * For tests of what the server keeps in memory of its vector sets: how many sets its map holds now, loaded or being
 * loaded ({@code VectorSets.inMemory}), and how many keys it knows absent. Lives in the package of {@link VectorSets}
 * for those counts.
 */
public final class SetsInMemory {

  private SetsInMemory() {}

  /** The sets {@code sets} holds in memory now. */
  public static int count(VectorSets sets) {
    return sets.inMemory();
  }

  /** The keys {@code sets} knows absent now (a load found them nowhere, and no VADD created them since). */
  public static int knownAbsent(VectorSets sets) {
    return sets.knownAbsent();
  }
}
