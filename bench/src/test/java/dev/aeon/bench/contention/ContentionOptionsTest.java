package dev.aeon.bench.contention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.bench.util.BenchArgs;
import org.junit.jupiter.api.Test;

/** The contention bench's command line: {@code --vectors} and its default. */
class ContentionOptionsTest {

  private static ContentionBench.Options parse(String... args) {
    return ContentionBench.Options.of(BenchArgs.parse("contention", args, ContentionBench.Options.SPECS));
  }

  /** Random stays the default, so that figures of runs made before the option stay comparable. */
  @Test
  void vectorsAreRandomUnlessWordNetIsAskedFor() {
    assertEquals(VectorKind.RANDOM, parse().vectors());
    assertEquals(VectorKind.RANDOM, parse("--quick").vectors());
    assertEquals(VectorKind.RANDOM, parse("--vectors", "random").vectors());
    assertEquals(VectorKind.WORDNET, parse("--vectors", "wordnet").vectors());
    assertEquals(VectorKind.WORDNET, parse("--quick", "--vectors=wordnet", "--events", "5000").vectors());
    assertEquals(5000, parse("--vectors=wordnet", "--events", "5000").events());
  }

  @Test
  void anUnknownKindOfVectorsIsRefusedWithTheKnownOnes() {
    for (String bad : new String[] {"glove", "WordNet", ""}) {
      var refused = assertThrows(IllegalArgumentException.class, () -> parse("--vectors", bad));
      assertEquals("--vectors is random or wordnet, not '" + bad + "'", refused.getMessage());
    }
    assertEquals("--vectors needs a value",
        assertThrows(IllegalArgumentException.class, () -> parse("--vectors")).getMessage());
  }

  @Test
  void theLabelsAreTheCommandLinesNames() {
    for (VectorKind k : VectorKind.values()) {
      assertEquals(k, VectorKind.of(k.label()));
    }
    assertTrue(String.join(" ", ContentionBench.Options.SPECS).endsWith("--vectors random|wordnet"));
  }
}
