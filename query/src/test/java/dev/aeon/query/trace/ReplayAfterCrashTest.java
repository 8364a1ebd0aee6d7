package dev.aeon.query.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The trace as the engine drives it: a log of mutations (LSN = position + 1), checkpoints staged at the log's
 * end and committed later, some of them compactions. The directory is copied at random points and at each step
 * of a compaction's swap, as a process crash there leaves it; each copy is opened, the log replayed from its
 * checkpoint, and it must then be exactly the state after the copy's last mutation. Replaying again after a
 * second crash (no checkpoint between) must give the same state again.
 */
class ReplayAfterCrashTest {

  private static final List<String> SESSIONS = List.of("s0", "s1", "s2", "s\u00e9", "se\u0301");
  private static final List<String> ROLES = List.of("user", "assistant", "tool");
  private static final List<String> TYPES = List.of("T0", "T1", "T2");
  private static final long[] TIMES = {Long.MIN_VALUE, Long.MIN_VALUE + 1, -5, 0, 7, 300, Long.MAX_VALUE - 1,
      Long.MAX_VALUE};

  @TempDir Path dir;

  /** One logged mutation. */
  private record Mutation(String what, Consumer<Trace> apply) {}

  private static List<Mutation> log(long seed, int n) {
    Random r = new Random(seed);
    List<Mutation> log = new ArrayList<>();
    long[] nextId = {1};
    for (int i = 0; i < n; i++) {
      int op = r.nextInt(100);
      long any = 1 + r.nextInt((int) Math.max(1, nextId[0] - 1));
      long other = 1 + r.nextInt((int) Math.max(1, nextId[0] - 1));
      if (op < 45 || nextId[0] < 3) {
        long id = nextId[0]++;
        Event e = new Event(id, SESSIONS.get(r.nextInt(SESSIONS.size())), ROLES.get(r.nextInt(ROLES.size())),
            TIMES[r.nextInt(TIMES.length)], id * 100, r.nextBoolean() ? id : Event.NO_VECTOR, attributes(r, false));
        log.add(new Mutation("append " + id, t -> t.append(e)));
      } else if (op < 60) {
        Map<String, Object> changes = attributes(r, true);
        log.add(new Mutation("attributes " + any, t -> t.updateAttributes(any, changes)));
      } else if (op < 80) {
        String type = TYPES.get(r.nextInt(TYPES.size()));
        long to = r.nextInt(4) == 0 ? any : other; // self links too
        long from = TIMES[r.nextInt(TIMES.length - 1)];
        long until = r.nextBoolean() ? Edge.OPEN : Math.max(from + 1, TIMES[r.nextInt(TIMES.length)]);
        log.add(new Mutation("link " + any + " " + type + " " + to, t -> t.addEdge(type, any, to, from, until)));
      } else if (op < 88) {
        String type = TYPES.get(r.nextInt(TYPES.size()));
        long at = TIMES[r.nextInt(TIMES.length - 1)];
        long to = r.nextInt(4) == 0 ? any : other;
        log.add(new Mutation("invalidate " + any + " " + type + " " + to, t -> t.invalidateEdges(type, any, to, at)));
      } else if (op < 97) {
        log.add(new Mutation("forget " + any, t -> t.forget(any)));
      } else {
        String s = SESSIONS.get(r.nextInt(SESSIONS.size()));
        log.add(new Mutation("forget session " + s, t -> t.forgetSession(s)));
      }
    }
    return log;
  }

  private static Map<String, Object> attributes(Random r, boolean removals) {
    Map<String, Object> m = new HashMap<>();
    for (int i = r.nextInt(3); i > 0; i--) {
      String key = "k" + r.nextInt(4);
      m.put(key, removals && r.nextInt(3) == 0 ? null : switch (r.nextInt(4)) {
        case 0 -> "v" + r.nextInt(100);
        case 1 -> r.nextLong();
        case 2 -> r.nextBoolean();
        default -> Instant.ofEpochSecond(r.nextInt(1 << 30));
      });
    }
    return m;
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void everyCrashImageReplaysToTheStateAtItsLastMutation(long seed) throws IOException {
    List<Mutation> log = log(seed, 400);
    Random r = new Random(seed * 31);
    Map<Path, Integer> images = new LinkedHashMap<>(); // a copy of the directory, and the mutations it had seen
    Map<Integer, String> states = new HashMap<>();
    Path live = dir.resolve("live");
    try (Trace t = Trace.open(live)) {
      int[] applied = {0};
      t.compactionStep = step -> images.put(copy(live, "step-" + images.size()), applied[0]);
      StagedCheckpoint staged = null;
      for (int i = 0; i < log.size(); i++) {
        log.get(i).apply().accept(t);
        applied[0] = i + 1;
        int dice = r.nextInt(100);
        if (dice < 4) {
          if (staged != null) {
            staged.commit();
          }
          staged = t.stageCheckpoint(i + 1, r.nextInt(3) == 0);
        } else if (dice < 8 && staged != null) {
          staged.commit();
          staged = null;
        }
        if (r.nextInt(100) < 5 || images.containsValue(i + 1)) {
          images.put(copy(live, "at-" + images.size()), i + 1);
        }
        if (images.containsValue(i + 1)) {
          states.put(i + 1, state(t));
        }
      }
    }
    for (Map.Entry<Path, Integer> image : images.entrySet()) {
      int seen = image.getValue();
      String expected = states.get(seen);
      String what = "seed " + seed + ", " + image.getKey().getFileName() + " after " + seen + " mutations";
      try (Trace t = Trace.open(image.getKey())) {
        replay(t, log, seen);
        assertEquals(expected, state(t), what);
      }
      try (Trace t = Trace.open(image.getKey())) { // crashed again, before any checkpoint
        replay(t, log, seen);
        assertEquals(expected, state(t), what + ", replayed twice");
        t.flush(seen);
      }
      try (Trace t = Trace.open(image.getKey())) {
        assertEquals(seen, t.checkpointLsn());
        assertEquals(expected, state(t), what + ", checkpointed after replay");
      }
    }
  }

  private static void replay(Trace t, List<Mutation> log, int upTo) throws IOException {
    for (long lsn = t.checkpointLsn() + 1; lsn <= upTo; lsn++) {
      if (lsn >= 1) {
        log.get((int) lsn - 1).apply().accept(t);
      }
    }
    t.clearEventsPastTheEnd();
  }

  /** Everything a reader can see of the events, attributes, names and links (as of several times), as text. */
  static String state(Trace t) {
    StringBuilder sb = new StringBuilder();
    sb.append("live ").append(t.eventCount()).append(", max id ").append(t.maxEventId()).append('\n');
    for (long id = 1; id <= t.maxEventId(); id++) {
      Optional<Event> e = t.get(id);
      if (e.isEmpty()) {
        continue;
      }
      Event ev = e.get();
      sb.append(ev.id()).append(' ').append(ev.session()).append(' ').append(ev.role()).append(' ')
          .append(ev.tsMicros()).append(' ').append(ev.blobRef()).append(' ').append(ev.vectorId()).append(' ')
          .append(new TreeMap<>(ev.attributes())).append('\n');
      for (long asOf : new long[] {Trace.CURRENT, Long.MIN_VALUE + 1, -5, 0, 7, 299, 300, Long.MAX_VALUE - 1}) {
        sb.append("  as of ").append(asOf).append(": ").append(t.neighbours(id, Direction.BOTH, null, asOf))
            .append('\n');
      }
    }
    for (String s : SESSIONS) {
      sb.append("history ").append(s).append(' ').append(t.history(s, 100_000).stream().map(Event::id).toList())
          .append('\n');
    }
    for (String role : ROLES) {
      sb.append("label ").append(role).append(' ')
          .append(t.query("MATCH (e:" + role + ") RETURN e.id ORDER BY e.id", Map.of()).rows()).append('\n');
    }
    for (String type : TYPES) {
      sb.append("type ").append(type).append(' ').append(t.query("MATCH (a)-[:" + type + "]->(b) RETURN a.id, b.id"
          + " ORDER BY a.id, b.id", Map.of()).rows()).append('\n');
    }
    return sb.toString();
  }

  private static Path copy(Path from, String name) {
    Path to = from.resolveSibling(name);
    try {
      Files.createDirectories(to);
      try (Stream<Path> files = Files.list(from)) {
        for (Path f : files.toList()) {
          Files.copy(f, to.resolve(f.getFileName()));
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return to;
  }
}
