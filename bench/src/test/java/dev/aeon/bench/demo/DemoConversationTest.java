package dev.aeon.bench.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.bench.demo.DemoConversation.Question;
import dev.aeon.bench.demo.DemoConversation.Turn;
import dev.aeon.embed.OnnxTextEmbedder;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DemoConversationTest {

  @Test
  void theConversationIsLongDatedAndConsistent() {
    DemoConversation demo = DemoConversation.load();
    List<Turn> turns = demo.turns();
    assertTrue(turns.size() >= 250, "a few hundred turns: " + turns.size());
    Set<String> sessions = new HashSet<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < turns.size(); i++) {
      Turn t = turns.get(i);
      sessions.add(t.session());
      assertTrue(ids.add(t.id()), "duplicate id " + t.id());
      assertTrue(Set.of("user", "assistant").contains(t.role()), t.role());
      if (i > 0) {
        assertTrue(t.time().isAfter(turns.get(i - 1).time()), "time goes forward at " + t.id());
      }
    }
    assertTrue(sessions.size() >= 10, "multi-session: " + sessions.size());
    Map<String, Turn> byId = demo.byId();
    assertTrue(demo.questions().size() >= 5);
    for (Question q : demo.questions()) {
      assertTrue(!q.evidence().isEmpty() && byId.keySet().containsAll(q.evidence()), q.text());
    }
  }

  @Test
  void everyQuestionFindsAnEvidenceTurnInTheTopFiveByPlainCosine() {
    DemoConversation demo = DemoConversation.load();
    try (OnnxTextEmbedder embedder = OnnxTextEmbedder.open()) {
      List<float[]> vectors = embedder.embedAll(demo.turns().stream().map(Turn::text).toList());
      List<String> misses = new java.util.ArrayList<>();
      for (Question q : demo.questions()) {
        float[] query = embedder.embedQuery(q.text());
        Integer[] order = new Integer[vectors.size()];
        for (int i = 0; i < order.length; i++) {
          order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Float.compare(dot(query, vectors.get(b)), dot(query, vectors.get(a))));
        boolean found = false;
        for (int r = 0; r < 5; r++) {
          found |= q.evidence().contains(demo.turns().get(order[r]).id());
        }
        if (!found) {
          misses.add(q.text() + " top 5: " + List.of(order).subList(0, 5).stream()
              .map(i -> demo.turns().get(i).id() + " " + demo.turns().get(i).text()).toList());
        }
      }
      assertTrue(misses.isEmpty(), String.join("\n", misses));
    }
  }

  private static float dot(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
