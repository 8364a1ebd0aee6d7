package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Aeon#checkBeforeCreating(String, List)} refuses, before a namespace exists, every batch that rememberAll
 * would refuse in a new namespace for what the batch holds, with the same message: not only an event refused alone,
 * but a batch refused as a whole (vectors of two dimensions or two models, a link to an event not once in the batch,
 * a null event, texts and vectors too large for one log record), so that a server refusing such a batch leaves no
 * namespace behind.
 */
class BatchCheckBeforeCreatingTest {

  @TempDir
  Path dir;

  private static Remember event(String text, float[] vector) {
    return Remember.event("s", "user", text).vector(vector);
  }

  private static Map<String, List<Remember>> refusedBatches(int maxEventBytes) {
    Remember other = event("not in the batch", TestVectors.unit(9));
    Remember twice = event("twice", TestVectors.unit(3));
    return Map.of(
        "two dimensions", List.of(event("a", new float[] {1, 0}), event("b", new float[] {1, 0, 0})),
        "two models", List.of(Remember.event("s", "user", "a").vector(TestVectors.unit(1), "model-a"),
            Remember.event("s", "user", "b").vector(TestVectors.unit(2), "model-b")),
        "a link out of the batch", List.of(event("a", TestVectors.unit(1)),
            event("b", TestVectors.unit(2)).link("PREV", other)),
        "a link to an event twice in it", List.of(twice, event("b", TestVectors.unit(2)).link("PREV", twice), twice),
        "a null event", Arrays.asList(event("a", TestVectors.unit(1)), null),
        "too large for one record", List.of(Remember.event("s", "user", "x".repeat(maxEventBytes / 2)).withoutVector(),
            Remember.event("s", "user", "y".repeat(maxEventBytes / 2 + 1)).withoutVector()));
  }

  @Test
  void aBatchRememberAllRefusesInANewNamespaceIsRefusedBeforeItIsCreatedWithTheSameMessage() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      int maxEventBytes = EngineTest.options().maxEventBytes();
      for (Map.Entry<String, List<Remember>> batch : refusedBatches(maxEventBytes).entrySet()) {
        String name = "new-" + batch.getKey().replace(' ', '-');
        RuntimeException before = assertThrows(RuntimeException.class,
            () -> aeon.checkBeforeCreating(name, batch.getValue()), batch.getKey() + ": let through");
        assertFalse(aeon.exists(name), batch.getKey() + ": the check created the namespace");
        Executable rememberAll = () -> aeon.namespace(name).rememberAll(new ArrayList<>(batch.getValue()));
        RuntimeException after = assertThrows(RuntimeException.class, rememberAll, batch.getKey());
        assertEquals(after.getClass(), before.getClass(), batch.getKey());
        assertEquals(after.getMessage(), before.getMessage(), batch.getKey());
      }
    }
  }
}
