package dev.aeon.bench.trace;

import dev.aeon.blob.BlobArena;
import dev.aeon.query.trace.Edge;
import dev.aeon.query.trace.Event;
import dev.aeon.query.trace.Trace;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Builds an agent-like trace: {@code sessions} conversations of {@code events / sessions} turns each, of
 * which {@link #ACTIVE} run at a time (so sessions interleave the way concurrent conversations do), with
 * roles that follow one another as in a tool-using agent (system, user, assistant, tool, observation,
 * summary), strictly increasing timestamps, short texts stored in the blob arena, and exactly two stored
 * edges per event on average: one to a recent turn of the same conversation (CAUSED_BY, SUMMARIZES or
 * REFERS_TO by role) and one to any earlier event (REFERS_TO, MENTIONS, or a time-bounded SUPERSEDES).
 *
 * <p>The generator keeps only small per-session state, so the heap measured around a load is the trace's.
 */
final class TraceWorkload {

  /** Conversations running at once. */
  static final int ACTIVE = 32;
  /** How far back (turns of the same session) a local edge may point. */
  private static final int RECENT = 8;
  static final long T0 = 1_760_000_000_000_000L;
  /** Mean gap between consecutive events, µs: one event every 250 ms over all sessions. */
  static final long STEP = 250_000;
  private static final String[] WORDS = {"flight", "Lisbon", "hotel", "budget", "meeting", "invoice", "recipe",
      "deadline", "weather", "train", "museum", "doctor", "birthday", "gift", "report", "python", "database",
      "garden", "concert", "tickets", "visa", "insurance", "refund", "sister", "move", "apartment", "bakery"};
  private static final String[] TOOLS = {"search", "calendar", "calculator", "email", "weather"};

  private final int events;
  private final int sessions;
  private final SplittableRandom random;
  private final String[] names;
  private final long[][] recent;
  private final int[] turns;
  private final String[] lastRole;
  private long edges;

  /** {@code events} must be a multiple of {@code sessions}: every conversation gets the same number of turns. */
  TraceWorkload(int events, int sessions, long seed) {
    if (events % sessions != 0 || events < 10) {
      throw new IllegalArgumentException(events + " events do not split evenly into " + sessions + " sessions");
    }
    this.events = events;
    this.sessions = sessions;
    this.random = new SplittableRandom(seed);
    this.names = new String[sessions];
    this.recent = new long[sessions][RECENT];
    this.turns = new int[sessions];
    this.lastRole = new String[sessions];
    for (int s = 0; s < sessions; s++) {
      names[s] = "conv-" + s;
    }
  }

  String session(int s) {
    return names[s];
  }

  int sessions() {
    return sessions;
  }

  /** Timestamp of event {@code id} (1-based): in {@code [T0 + id*STEP, T0 + (id+1)*STEP)}, so strictly increasing. */
  long ts(long id, long jitter) {
    return T0 + id * STEP + jitter;
  }

  /** Timing of the load, nanoseconds spent inside the trace's append and addEdge calls. */
  record LoadTimes(long appendNanos, long edgeNanos, long blobNanos, long wallNanos, long edges) {}

  /** Appends every event and edge, printing progress every tenth; returns where the time went. */
  LoadTimes load(Trace trace, BlobArena blobs) {
    int perSession = events / sessions;
    int[] active = new int[ACTIVE];
    int nextSession = 0;
    int activeCount = 0;
    while (activeCount < ACTIVE && nextSession < sessions) {
      active[activeCount++] = nextSession++;
    }
    long appendNanos = 0;
    long edgeNanos = 0;
    long blobNanos = 0;
    long start = System.nanoTime();
    for (long id = 1; id <= events; id++) {
      int pick = random.nextInt(activeCount);
      int s = active[pick];
      String role = nextRole(s);
      String text = text(s, role);
      long t0 = System.nanoTime();
      long ref = blobs.append(text);
      long t1 = System.nanoTime();
      boolean added = trace.append(new Event(id, names[s], role, ts(id, random.nextLong(STEP)), ref,
          role.equals("user") || role.equals("assistant") ? id : Event.NO_VECTOR, attributes(role)));
      long t2 = System.nanoTime();
      if (!added) {
        throw new IllegalStateException("event " + id + " was not appended");
      }
      edgeNanos += addEdges(trace, s, role, id, id == events ? 2 + 2 : 2);
      blobNanos += t1 - t0;
      appendNanos += t2 - t1;
      recent[s][turns[s] % RECENT] = id;
      turns[s]++;
      lastRole[s] = role;
      if (turns[s] == perSession) {
        // this conversation is over: a new one takes its place (or, at the end, the pool shrinks)
        active[pick] = nextSession < sessions ? nextSession++ : active[--activeCount];
      }
      if (id % (events / 10) == 0) {
        System.out.printf("  %,d events, %,d edges, %.1f s%n", id, edges, (System.nanoTime() - start) / 1e9);
      }
    }
    return new LoadTimes(appendNanos, edgeNanos, blobNanos, System.nanoTime() - start, edges);
  }

  /** Roles follow each other as in an agent loop. */
  private String nextRole(int s) {
    String last = lastRole[s];
    int r = random.nextInt(100);
    if (last == null) {
      return "system";
    }
    return switch (last) {
      case "user" -> r < 85 ? "assistant" : "tool";
      case "tool" -> "observation";
      case "observation" -> "assistant";
      case "assistant" -> r < 95 ? "user" : "summary";
      default -> "user";
    };
  }

  private String text(int s, String role) {
    StringBuilder sb = new StringBuilder(64).append(role).append(' ').append(turns[s]).append(':');
    int words = 4 + random.nextInt(8);
    for (int i = 0; i < words; i++) {
      sb.append(' ').append(WORDS[random.nextInt(WORDS.length)]);
    }
    return sb.toString();
  }

  private Map<String, Object> attributes(String role) {
    return switch (role) {
      case "tool" -> Map.of("tool", TOOLS[random.nextInt(TOOLS.length)]);
      case "observation" -> Map.of("ok", random.nextInt(10) != 0);
      default -> Map.of();
    };
  }

  /** Adds {@code n} edges from the new event {@code id} to earlier ones; returns the nanoseconds spent in the trace. */
  private long addEdges(Trace trace, int s, String role, long id, int n) {
    long spent = 0;
    for (int i = 0; i < n && id > 1; i++) {
      long to;
      String type;
      long validFrom = Edge.SINCE_EVER;
      if (i % 2 == 0 && turns[s] > 0) {
        to = recent[s][(turns[s] - 1 - random.nextInt(Math.min(turns[s], RECENT))) % RECENT];
        type = switch (role) {
          case "assistant", "tool", "observation" -> "CAUSED_BY";
          case "summary" -> "SUMMARIZES";
          default -> "REFERS_TO";
        };
      } else {
        to = 1 + random.nextLong(id - 1);
        int r = random.nextInt(10);
        type = r < 6 ? "REFERS_TO" : r < 9 ? "MENTIONS" : "SUPERSEDES";
        validFrom = type.equals("SUPERSEDES") ? ts(id, 0) : Edge.SINCE_EVER;
      }
      long t0 = System.nanoTime();
      boolean added = trace.addEdge(type, id, to, validFrom, Edge.OPEN);
      spent += System.nanoTime() - t0;
      if (!added) {
        throw new IllegalStateException("edge " + id + " -> " + to + " was not added");
      }
      edges++;
    }
    return spent;
  }
}
