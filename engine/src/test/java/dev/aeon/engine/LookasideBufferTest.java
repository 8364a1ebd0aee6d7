package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The semantic lookaside buffer: hits for similar queries, new events seen, forgotten ones never returned. */
class LookasideBufferTest {

  @TempDir
  Path dir;

  @Test
  void similarQueriesHitAndStayCorrect() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.memory();
      for (int i = 0; i < 300; i++) {
        m.remember(Remember.event("s", "user", "t" + i).vector(TestVectors.unit(i)));
      }
      float[] q = TestVectors.unit(7);
      float[] near = nudge(q, 0.05f, 99);
      assertTrue(TestVectors.cosine(q, near) > 0.9f);

      List<Recalled> first = m.recall(Recall.vector(q, 5));
      assertEquals(0, m.stats().slbHits());
      List<Recalled> viaBuffer = m.recall(Recall.vector(near, 5));
      assertEquals(1, m.stats().slbHits(), "a similar query hits");
      assertEquals(EngineTest.ids(m.recall(Recall.vector(near, 5).slb(false))), EngineTest.ids(viaBuffer),
          "a hit answers like a full search");
      assertEquals(first.getFirst().event().id(), viaBuffer.getFirst().event().id());

      long fresh = m.remember(Remember.event("s", "user", "new").vector(near));
      assertEquals(fresh, m.recall(Recall.vector(near, 5)).getFirst().event().id(),
          "events remembered since are scored");
      assertTrue(m.forget(fresh));
      assertFalse(EngineTest.ids(m.recall(Recall.vector(near, 5))).contains(fresh),
          "forgotten events are never returned");
      assertTrue(m.stats().slbHits() >= 3);

    }
  }

  /**
   * A cached query's candidates past its own k come from a search as deep as that k needs: a recall of the same
   * query with a larger k, whose search would look deeper, must not be answered from them. After a recall of
   * k = 1, the same query with k = 32 hit and lost about 1.2% of what a search of 32 finds.
   */
  @Test
  void aLargerKIsNotAnsweredFromCandidatesOfAShallowerSearch() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withDurability(Durability.OFF))) {
      Memory m = aeon.memory();
      for (int i = 0; i < 5_000; i++) {
        m.remember(Remember.event("s", "user", "t" + i).vector(TestVectors.unit(i)));
      }
      for (int t = 0; t < 100; t++) {
        float[] q = TestVectors.unit(1_000_000 + t);
        m.recall(Recall.vector(q, 1));
        assertEquals(EngineTest.ids(m.recall(Recall.vector(q, 32).slb(false))),
            EngineTest.ids(m.recall(Recall.vector(q, 32))),
            "query " + t);
      }
    }
  }

  /**
   * A cached entry whose candidates were forgotten no longer holds the top of its query's ranking, only what
   * ranked below them: a similar query must not be answered from what is left. With 22 of 32 candidates
   * forgotten, a recall of 10 was answered from the other 10 whatever the query, and missed most of what a
   * search finds.
   */
  @Test
  void aCachedEntryWhoseCandidatesWereForgottenDoesNotAnswer() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withDurability(Durability.OFF))) {
      Memory m = aeon.memory();
      float[] q = TestVectors.unit(7);
      for (int i = 0; i < 3_000; i++) { // a cluster around q, so that what follows the candidates is close too
        m.remember(Remember.event("s", "user", "t" + i).vector(i % 3 == 0 ? nudge(q, 0.08f, i) : TestVectors.unit(i)));
      }
      m.recall(Recall.vector(q, 10)); // caches q's best 32
      for (Recalled r : m.recall(Recall.vector(q, 22).slb(false))) {
        assertTrue(m.forget(r.event().id()));
      }
      float[] near = nudge(q, 0.04f, 5);
      long hits = m.stats().slbHits();
      List<Recalled> viaBuffer = m.recall(Recall.vector(near, 10));
      assertEquals(hits, m.stats().slbHits(), "an entry missing forgotten candidates answered");
      assertEquals(EngineTest.ids(m.recall(Recall.vector(near, 10).slb(false))), EngineTest.ids(viaBuffer));
    }
  }

  /** Forgetting a session drops its cached queries: a similar query of a new session of that name misses. */
  @Test
  void forgettingASessionDropsItsCachedQueries() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withDurability(Durability.OFF))) {
      Memory m = aeon.memory();
      // Enough events that a recall limited to the session descends the index rather than scanning the
      // session's events, and so caches its candidates.
      int events = 8_000;
      for (int i = 0; i < events; i++) {
        m.remember(Remember.event("s", "user", "t" + i).vector(TestVectors.unit(i)));
      }
      float[] q = TestVectors.unit(7);
      m.recall(Recall.vector(q, 5).session("s"));
      long hits = m.stats().slbHits();
      m.recall(Recall.vector(nudge(q, 0.05f, 3), 5).session("s"));
      assertEquals(hits + 1, m.stats().slbHits(), "the session's recalls are cached");
      assertEquals(1, m.stats().slbSessions());
      assertTrue(m.stats().slbBytes() > 4L * q.length, "the cached query's bytes: " + m.stats().slbBytes());
      assertEquals(events, m.forgetSession("s"));
      assertEquals(0, m.stats().slbSessions(), "the forgotten session's queries are still held");
      assertEquals(0, m.stats().slbBytes());
      for (int i = 0; i < 10; i++) { // within the rescan window: a cached entry would be usable
        m.remember(Remember.event("s", "user", "again" + i).vector(TestVectors.unit(100 + i)));
      }
      hits = m.stats().slbHits();
      assertEquals(5, m.recall(Recall.vector(nudge(q, 0.05f, 4), 5).session("s")).size());
      assertEquals(hits, m.stats().slbHits(), "the forgotten session's cached query was used");
    }
  }

  /** Candidates cached for one filter say nothing about another: a filtered recall must not reuse them. */
  @Test
  void aRecallWithOtherFiltersAnswersLikeAFullSearch() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.memory();
      for (int i = 0; i < 300; i++) {
        m.remember(Remember.event("s", i % 10 == 0 ? "assistant" : "user", "t" + i).vector(TestVectors.unit(i)));
      }
      float[] q = TestVectors.unit(7);
      m.recall(Recall.vector(q, 10)); // caches candidates that are mostly user turns
      List<Recalled> assistant = m.recall(Recall.vector(nudge(q, 0.05f, 5), 10).roles("assistant"));
      assertEquals(10, assistant.size(), "the 30 assistant turns hold 10 answers");
      assertEquals(EngineTest.ids(m.recall(Recall.vector(nudge(q, 0.05f, 5), 10).roles("assistant").slb(false))),
          EngineTest.ids(assistant));
      assertEquals(0, m.stats().slbHits(), "a filtered recall bypasses the buffer");
    }
  }

  /** A memory smaller than slbMinVectors bypasses the buffer: no lookup, nothing cached. */
  @Test
  void aSmallMemoryBypassesTheBufferUntilItHoldsEnoughVectors() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withSlbMinVectors(400))) {
      Memory m = aeon.memory();
      for (int i = 0; i < 399; i++) {
        m.remember(Remember.event("s", "user", "t" + i).vector(TestVectors.unit(i)));
      }
      float[] q = TestVectors.unit(7);
      m.recall(Recall.vector(q, 5));
      m.recall(Recall.vector(nudge(q, 0.05f, 6), 5));
      assertEquals(0, m.stats().slbHits() + m.stats().slbMisses(), "no lookup below 400 vectors");
      m.remember(Remember.event("s", "user", "t399").vector(TestVectors.unit(399)));
      m.recall(Recall.vector(q, 5));
      m.recall(Recall.vector(nudge(q, 0.05f, 6), 5));
      assertEquals(1, m.stats().slbMisses(), "from 400 vectors on, a recall looks up the buffer");
      assertEquals(1, m.stats().slbHits(), "and a similar one hits");
    }
  }

  @Test
  void aRecallOfASmallSessionBypassesTheBufferInALargeMemory() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withSlbMinVectors(400))) {
      Memory m = aeon.memory();
      for (int i = 0; i < 500; i++) {
        m.remember(Remember.event(i < 100 ? "small" : "large", "user", "t" + i).vector(TestVectors.unit(i)));
      }
      float[] q = TestVectors.unit(7);
      m.recall(Recall.vector(q, 5).session("small"));
      m.recall(Recall.vector(nudge(q, 0.05f, 6), 5).session("small"));
      assertEquals(0, m.stats().slbHits() + m.stats().slbMisses(), "100 vectors: no lookup");
      m.recall(Recall.vector(q, 5).session("large"));
      m.recall(Recall.vector(nudge(q, 0.05f, 6), 5).session("large"));
      // (a session this small is scanned exactly, which the buffer does not cache: both recalls miss)
      assertEquals(2, m.stats().slbHits() + m.stats().slbMisses(), "400 vectors: each recall looks up the buffer");
    }
  }

  @Test
  void disabledBufferNeverHits() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withSlb(0, 0.85f, 0))) {
      Memory m = aeon.memory();
      for (int i = 0; i < 50; i++) {
        m.remember(Remember.event("s", "user", "t" + i).vector(TestVectors.unit(i)));
      }
      m.recall(Recall.vector(TestVectors.unit(3), 5));
      m.recall(Recall.vector(TestVectors.unit(3), 5));
      assertEquals(0, m.stats().slbHits());
    }
  }

  static float[] nudge(float[] v, float amount, long seed) {
    Random r = new Random(seed);
    float[] out = v.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] += amount * (float) r.nextGaussian();
    }
    return out;
  }
}
