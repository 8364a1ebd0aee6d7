package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Memory#sessions}: the sessions with live events, page by page, across forgets and restarts. */
class SessionListingTest {

  @TempDir
  Path dir;

  @Test
  void listsTheSessionsWithLiveEventsInTheOrderTheirNamesFirstAppeared() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.memory();
      assertEquals(new SessionPage(List.of(), 0), m.sessions(0, 10));
      long a = remember(m, "alpha", "user");
      remember(m, "beta", "alpha"); // a role named like a session: a session only if an event is in it
      long g1 = remember(m, "gamma", "user");
      remember(m, "gamma", "assistant");
      remember(m, "user", "user"); // a session named like a role, whose name appeared before beta's
      assertEquals(List.of("alpha", "user", "beta", "gamma"), all(m, 10));
      assertEquals(4, m.stats().sessions());

      assertEquals(1, m.forgetSession("beta"));
      assertTrue(m.forget(g1)); // gamma keeps one event
      assertTrue(m.forget(a)); // alpha keeps none
      assertEquals(List.of("user", "gamma"), all(m, 1));
      assertEquals(2, m.stats().sessions());

      remember(m, "alpha", "user"); // back where it was first
      assertEquals(List.of("alpha", "user", "gamma"), all(m, 2));
    }
  }

  @Test
  void pagesHoldAtMostTheLimitAndTheCursorOutlivesARestart() {
    List<String> names = new ArrayList<>();
    SessionPage first;
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.memory();
      for (int i = 0; i < 25; i++) {
        names.add("s" + i);
        remember(m, "s" + i, "user");
      }
      first = m.sessions(0, 10);
      assertEquals(names.subList(0, 10), first.sessions());
      assertTrue(first.cursor() > 0);
    }
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.memory();
      SessionPage second = m.sessions(first.cursor(), 10);
      assertEquals(names.subList(10, 20), second.sessions());
      SessionPage last = m.sessions(second.cursor(), 10);
      assertEquals(names.subList(20, 25), last.sessions());
      assertTrue(last.isLast());
      assertEquals(new SessionPage(List.of(), 0), m.sessions(Integer.MAX_VALUE + 1L, 1), "a cursor past the end");
      assertEquals(25, m.stats().sessions());
      // sessions forgotten behind the cursor, or on the page just read, move nothing after it
      m.forgetSession("s0");
      m.forgetSession("s12");
      SessionPage again = m.sessions(first.cursor(), 10);
      assertEquals(names.subList(10, 21).stream().filter(n -> !n.equals("s12")).toList(), again.sessions());
      assertEquals(names.subList(21, 25), m.sessions(again.cursor(), 10).sessions());
    }
  }

  @Test
  void aPageLooksAtTenNamesPerSessionItMayHold() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.memory();
      for (int i = 0; i < 100; i++) {
        remember(m, "gone" + i, "user");
        m.forgetSession("gone" + i);
      }
      remember(m, "kept", "user");
      SessionPage first = m.sessions(0, 2);
      assertEquals(new SessionPage(List.of(), 20), first, "20 names looked at, none a live session");
      assertEquals(List.of("kept"), all(m, 2));
      assertEquals(List.of("kept"), all(m, 1000));
    }
  }

  @Test
  void refusesANegativeCursorOrALimitBelowOne() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.memory();
      assertThrows(IllegalArgumentException.class, () -> m.sessions(-1, 10));
      assertThrows(IllegalArgumentException.class, () -> m.sessions(0, 0));
      assertEquals(new SessionPage(List.of(), 0), aeon.reader("nobody").sessions(0, 10), "an absent namespace");
    }
  }

  private static long remember(Memory m, String session, String role) {
    return m.remember(Remember.event(session, role, session + " " + role).vector(TestVectors.unit(session.hashCode())));
  }

  /** Every session, read in pages of {@code limit}. */
  private static List<String> all(Memory m, int limit) {
    List<String> out = new ArrayList<>();
    long cursor = 0;
    do {
      SessionPage page = m.sessions(cursor, limit);
      assertTrue(page.sessions().size() <= limit);
      out.addAll(page.sessions());
      cursor = page.cursor();
    } while (cursor != 0);
    return out;
  }
}
