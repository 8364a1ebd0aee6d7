package dev.aeon.bench.locomo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.embed.OnnxTextEmbedder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole benchmark pipeline (model, cache, engine, trace) on a tiny file in the LoCoMo format. */
class LocomoBenchTest {

  @Test
  void theEngineRunScoresEveryMethodAndMatchesExactOnATinyConversation(@TempDir Path cache) throws Exception {
    Map<String, Object> report = new LinkedHashMap<>();
    try (OnnxTextEmbedder embedder = OnnxTextEmbedder.open()) {
      Corpus corpus = Corpus.embed(LocomoData.load(LocomoDataTest.tiny()), embedder, new VectorCache(cache));
      LocomoBench.run(corpus, report);
    }
    for (String key : new String[] {"exact", "engine", "engine_trace", "exact_trace", "per_category",
        "ingest_per_s", "recall_p50_us", "recall_p99_us"}) {
      assertTrue(report.containsKey(key), key);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> exact = (Map<String, Object>) report.get("exact");
    assertEquals(exact, report.get("engine"), "on five turns the index must find exactly what brute force finds");
    assertEquals(3, exact.get("questions"));
    assertEquals(1.0, exact.get("hit_at_25"), "every turn is within the top 25 of a five-turn conversation");
    assertTrue((Double) report.get("ingest_per_s") > 0);
  }
}
