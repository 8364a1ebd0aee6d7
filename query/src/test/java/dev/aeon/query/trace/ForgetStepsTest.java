package dev.aeon.query.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

/**
 * What a reader finds at every step of a forget ({@link TraceGraph#forgetStep}: the forgotten set stored, then each
 * slot's edges removed, then its attributes cleared), read on the writer's own thread so that the moment is exact
 * and the test does not depend on timing: a seeded run of forgets of one to three random events and of whole
 * sessions, on events with attributes and random links. At every step, an event the reader finds live has its
 * attributes and every link to another live event; once a forget has returned, its events are gone from lookups,
 * links and a large session's cached live ids.
 *
 * <p>It fails on a forget that clears an event's attributes or removes its links before its slot is in the
 * forgotten set, and on one that does not make the large sessions' cached ids stale (both checked by changing
 * {@link TraceGraph#forget} so).
 */
class ForgetStepsTest {

  private static final int EVENTS = 1_600;
  /** Events of the large session, enough for its live ids to be cached. */
  private static final int BIG = 1_200;

  @TempDir Path dir;

  private Trace trace;
  /** Each event's links out, as added (those of forgotten events included). */
  private final Map<Long, Set<Long>> linksOut = new HashMap<>();
  private final Map<Long, Set<Long>> linksIn = new HashMap<>();
  private final Set<Long> gone = new HashSet<>();
  private final TreeSet<Long> live = new TreeSet<>();
  /** The events of the forget under way, checked at each of its steps. */
  private List<Long> inFlight = List.of();
  private int stepsChecked;

  @Test
  void aReaderAtEveryStepOfAForgetFindsEventsWholeOrGone() throws IOException {
    Random random = new Random(20_251_207);
    try (Trace t = Trace.open(dir)) {
      trace = t;
      for (long id = 1; id <= EVENTS; id++) {
        String session = id <= BIG ? "big" : "s" + id % 5;
        t.append(new Event(id, session, "user", id, id, Event.NO_VECTOR, Map.of("k", "v" + id)));
        live.add(id);
        for (int l = 0; l < 2 && id > 1; l++) {
          long to = 1 + random.nextInt((int) id - 1);
          if (linksOut.computeIfAbsent(id, k -> new HashSet<>()).add(to)) {
            linksIn.computeIfAbsent(to, k -> new HashSet<>()).add(id);
            assertTrue(t.addEdge("LINK", id, to));
          }
        }
      }
      t.graph().forgetStep = step -> checkInFlight(step);
      for (int round = 0; round < 300 && !live.isEmpty(); round++) {
        bigSessionIds(); // cached before the forget, as recalls filtered by the session keep it
        List<Long> ids;
        if (random.nextInt(10) == 0) {
          String session = "s" + random.nextInt(5);
          ids = t.history(session, Integer.MAX_VALUE).stream().map(Event::id).toList();
          inFlight = ids;
          assertEquals(ids.size(), t.forgetSession(session).count());
        } else {
          ids = new ArrayList<>();
          for (int i = 1 + random.nextInt(3); i > 0; i--) {
            Long id = live.ceiling(1 + (long) random.nextInt(EVENTS));
            if (id != null && !ids.contains(id)) {
              ids.add(id);
            }
          }
          inFlight = ids;
          assertEquals(ids.size(), t.forgetAll(ids.stream().mapToLong(Long::longValue).toArray()).count());
        }
        inFlight = List.of();
        ids.forEach(live::remove);
        gone.addAll(ids);
        for (long id : ids) {
          assertTrue(t.get(id).isEmpty(), "event " + id + " found after its forget returned");
        }
        RoaringBitmap expected = expectedBigSessionIds();
        RoaringBitmap found = bigSessionIds();
        assertEquals(expected, found, "the large session's live ids after round " + round + ": forgotten among them "
            + RoaringBitmap.andNot(found, expected) + ", live missing " + RoaringBitmap.andNot(expected, found));
        if (round % 50 == 49) {
          t.compact(round); // frees the names of forgotten sessions; slots keep their numbers
        }
        if (round % 25 == 0) {
          for (long id = 1; id <= EVENTS; id++) {
            checkEvent(id, "after round " + round);
          }
        }
      }
    }
    assertTrue(stepsChecked > 300, "the forgets' steps were read: " + stepsChecked);
  }

  private void checkInFlight(String step) {
    for (long id : inFlight) {
      checkEvent(id, "at step '" + step + "'");
      for (long other : linksOut.getOrDefault(id, Set.of())) {
        checkEvent(other, "at step '" + step + "' (a link's end)");
      }
      for (long other : linksIn.getOrDefault(id, Set.of())) {
        checkEvent(other, "at step '" + step + "' (a link's start)");
      }
    }
    stepsChecked++;
  }

  /** The event whole (attributes, links to the live events it was linked with) or not found. */
  private void checkEvent(long id, String when) {
    Event e = trace.get(id).orElse(null);
    if (e == null) {
      assertFalse(live.contains(id) && !inFlight.contains(id), "live event " + id + " not found " + when);
      return;
    }
    assertFalse(gone.contains(id), "event " + id + " found after its forget returned, " + when);
    assertEquals(Map.of("k", "v" + id), e.attributes(), "attributes of live event " + id + " " + when);
    assertEquals(liveOf(linksOut.get(id)), ends(trace.neighbours(id, Direction.OUT, "LINK", Trace.CURRENT)),
        "links out of live event " + id + " " + when);
    assertEquals(liveOf(linksIn.get(id)), ends(trace.neighbours(id, Direction.IN, "LINK", Trace.CURRENT)),
        "links into live event " + id + " " + when);
  }

  /** Those of {@code ids} the reader finds live now. */
  private Set<Long> liveOf(Set<Long> ids) {
    return ids == null ? Set.of()
        : ids.stream().filter(i -> trace.get(i).isPresent()).collect(Collectors.toSet());
  }

  private static Set<Long> ends(List<Neighbour> neighbours) {
    return neighbours.stream().map(Neighbour::eventId).collect(Collectors.toSet());
  }

  private RoaringBitmap bigSessionIds() {
    TraceGraph g = trace.graph();
    return g.liveSessionIds(g.stringId("big"));
  }

  private RoaringBitmap expectedBigSessionIds() {
    RoaringBitmap ids = new RoaringBitmap();
    live.headSet((long) BIG, true).forEach(id -> ids.add(id.intValue()));
    return ids;
  }
}
