package dev.aeon.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aeon.common.testing.NullArguments;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every public method and constructor of the embedder's API, called with null in each reference parameter,
 * throws a NullPointerException that names the parameter (package-info.java); the embedder goes on working
 * afterwards.
 */
class NullArgumentsTest {

  @Test
  void aNullArgumentIsANullPointerExceptionNamingTheParameter() {
    Map<Object, Object> samples = Map.ofEntries(Map.entry(String.class, "all-MiniLM-L6-v2"),
        Map.entry(List.class, List.of("a")), Map.entry(ModelSpec.class, ModelSpec.DEFAULT),
        Map.entry(Pooling.class, ModelSpec.DEFAULT.pooling()), Map.entry(int.class, 8));
    try (OnnxTextEmbedder embedder = OnnxTextEmbedder.open()) {
      List<String> misfits = new ArrayList<>();
      misfits.addAll(NullArguments.misfits(OnnxTextEmbedder.class, embedder, samples, Set.of()));
      misfits.addAll(NullArguments.misfits(dev.aeon.common.TextEmbedder.class, embedder, samples, Set.of()));
      misfits.addAll(NullArguments.misfits(ModelSpec.class, ModelSpec.DEFAULT, samples, Set.of()));
      assertEquals(List.of(), misfits);

      assertEquals(2, embedder.tokenCount("hello world"));
      assertEquals(List.of(384), embedder.embedAll(List.of("hello")).stream().map(v -> v.length).toList());
    }
  }
}
