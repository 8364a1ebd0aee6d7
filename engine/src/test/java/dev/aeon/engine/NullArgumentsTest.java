package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.aeon.common.TextEmbedder;
import dev.aeon.common.testing.NullArguments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every public method and constructor of the engine's API, called with null in each reference parameter where
 * null means nothing, throws a NullPointerException that names the parameter (package-info.java), before it
 * writes, logs or creates anything; the memory goes on working afterwards.
 */
class NullArgumentsTest {

  @TempDir
  Path dir;

  @Test
  void aNullArgumentIsANullPointerExceptionNamingTheParameterAndChangesNothing() throws Exception {
    Path absent = dir.resolve("absent");
    Map<Object, Object> samples = Map.ofEntries(Map.entry("query(statement)", "RETURN 1"),
        Map.entry(String.class, "s"), Map.entry(Path.class, absent),
        Map.entry(Remember.class, Remember.event("s", "user", "a")), Map.entry(Recall.class, Recall.vector(
            TestVectors.unit(1), 1)), Map.entry(Map.class, Map.of()), Map.entry(Duration.class, Duration.ofSeconds(1)),
        Map.entry(TransferProgress.class, TransferProgress.NONE), Map.entry(float[].class, TestVectors.unit(1)),
        Map.entry(dev.aeon.engine.Durability.class, dev.aeon.engine.Durability.SYNC), Map.entry(Object.class, "v"),
        Map.entry(String[].class, new String[] {"user"}), Map.entry(int.class, 1), Map.entry(long.class, 1L),
        Map.entry(float.class, 0.5f), Map.entry(double.class, 0.5), Map.entry(boolean.class, true),
        Map.entry(AeonOptions.class, EngineTest.options()), Map.entry(List.class, List.of(Remember.event("s", "user",
            "a"))));
    Path memoryDir = dir.resolve("memory");
    try (Aeon aeon = Aeon.open(memoryDir, EngineTest.options())) {
      Memory m = aeon.memory();
      long first = m.remember(Remember.event("s", "user", "a").vector(TestVectors.unit(1)));
      List<String> misfits = new ArrayList<>();
      misfits.addAll(NullArguments.misfits(Aeon.class, aeon, samples, Set.of()));
      misfits.addAll(NullArguments.misfits(Memory.class, m, samples, Set.of("query(parameters)")));
      misfits.addAll(NullArguments.misfits(Memory.class, aeon.reader("nothing"), samples,
          Set.of("query(parameters)")));
      misfits.addAll(NullArguments.misfits(AeonOptions.class, AeonOptions.defaults(), samples,
          Set.of("new(embedder)", "withEmbedder(embedder)")));
      misfits.addAll(NullArguments.misfits(Remember.class, Remember.event("s", "user", "b"), samples,
          Set.of("vector(model)")));
      misfits.addAll(NullArguments.misfits(Recall.class, Recall.vector(TestVectors.unit(1), 1), samples,
          Set.of("session(session)", "vector(model)",
          "where(value)")));
      try (NamespaceLease lease = aeon.lease("leased")) {
        misfits.addAll(NullArguments.misfits(NamespaceLease.class, lease, samples, Set.of()));
      }
      assertEquals(List.of(), misfits);

      assertFalse(Files.exists(absent), "a refused call made " + absent);
      assertEquals(List.of("default", "leased"), aeon.namespaceNames());
      assertEquals(1, m.stats().events());
      long second = m.remember(Remember.event("s", "user", "b").vector(TestVectors.unit(2)));
      assertEquals(first, m.recall(Recall.vector(TestVectors.unit(1), 1)).getFirst().event().id());
      assertEquals(List.of(second, first), m.history("s", 10).stream().map(Event::id).toList());
    }
    try (Aeon aeon = Aeon.open(memoryDir, EngineTest.options())) {
      assertEquals(2, aeon.memory().stats().events());
    }
  }

  @Test
  void anOutOfRangeOptionIsAnIllegalArgumentExceptionNamingTheParameterAndItsRange() {
    AeonOptions o = AeonOptions.defaults();
    assertEquals("slbEntriesPerSession must not be negative (0: no SLB): -1",
        assertThrows(IllegalArgumentException.class, () -> o.withSlb(-1, 0.85f, 1 << 20)).getMessage());
    assertEquals("slbThreshold must be in (0, 1]: NaN",
        assertThrows(IllegalArgumentException.class, () -> o.withSlb(64, Float.NaN, 1 << 20)).getMessage());
    assertEquals("slbMaxBytes must not be negative: -1",
        assertThrows(IllegalArgumentException.class, () -> o.withSlb(64, 0.85f, -1)).getMessage());
    assertEquals("slbMinVectors must not be negative: -1",
        assertThrows(IllegalArgumentException.class, () -> o.withSlbMinVectors(-1)).getMessage());
  }
}
