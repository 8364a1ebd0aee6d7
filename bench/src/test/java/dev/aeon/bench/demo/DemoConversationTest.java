package dev.aeon.bench.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.bench.demo.DemoConversation.Question;
import dev.aeon.bench.demo.DemoConversation.Turn;
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
}
