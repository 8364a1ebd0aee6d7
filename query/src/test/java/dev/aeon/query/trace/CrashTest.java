package dev.aeon.query.trace;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM with SIGKILL while it appends and flushes, then reopens the trace: it must be
 * exactly the state of one flush at or after the last one the child reported. The child flushes in two
 * halves, as the engine's checkpoint does: it stages a checkpoint, goes on appending, and commits it later.
 */
class CrashTest {

  static final int FLUSH_EVERY = 250;
  /** How many events the child appends between staging a checkpoint and committing it. */
  static final int COMMIT_AFTER = 50;

  @TempDir Path dir;

  /**
   * The child: appends deterministic events and edges forever, staging a checkpoint every 250 events and
   * committing and reporting it 50 events later.
   */
  public static void main(String[] args) throws IOException {
    try (Trace t = Trace.open(Path.of(args[0]))) {
      StagedCheckpoint staged = null;
      for (long id = 1; ; id++) {
        t.append(expected(id));
        if (id > 1) {
          t.addEdge("HALF", id, id / 2, id, Edge.OPEN);
        }
        if (id % 3 == 0) {
          t.updateAttributes(id - 1, Map.of("touched", true));
        }
        if (id % FLUSH_EVERY == 0) {
          staged = t.stageCheckpoint(id);
        } else if (id % FLUSH_EVERY == COMMIT_AFTER && staged != null) {
          staged.commit();
          System.out.println("flushed " + staged.lsn());
          System.out.flush();
        }
      }
    }
  }

  static Event expected(long id) {
    return new Event(id, "s" + id % 7, id % 2 == 0 ? "user" : "assistant", id * 10, id * 100, id, Map.of("n", id));
  }

  @Test
  void killedWhileWritingReopensAtAFlush() throws Exception {
    long seed = Long.getLong("trace.seed", System.nanoTime());
    Random rnd = new Random(seed);
    System.out.println("CrashTest seed " + seed);
    for (int round = 0; round < 3; round++) {
      Path d = dir.resolve("r" + round);
      long lastSeen = runAndKill(d, 1 + rnd.nextInt(8));
      try (Trace t = Trace.open(d)) {
        long lsn = t.checkpointLsn();
        assertTrue(lsn >= lastSeen && lsn % FLUSH_EVERY == 0, "seed " + seed + ": lsn " + lsn + " last " + lastSeen);
        assertEquals(lsn, t.eventCount());
        assertEquals(lsn, t.maxEventId());
        for (long id = 1; id <= lsn; id++) {
          Event e = t.get(id).orElseThrow();
          Event x = expected(id);
          assertEquals(x.session(), e.session());
          assertEquals(x.tsMicros(), e.tsMicros());
          assertEquals(x.blobRef(), e.blobRef());
          assertEquals(id, e.attributes().get("n"));
          assertEquals(id % 3 == 2 && id + 1 <= lsn, e.attributes().containsKey("touched"), "event " + id);
          List<Neighbour> half = t.neighbours(id, Direction.OUT, "HALF", Trace.CURRENT);
          assertEquals(id > 1 ? List.of(id / 2) : List.of(), half.stream().map(Neighbour::eventId).toList());
        }
        assertTrue(t.get(lsn + 1).isEmpty());
        assertTrue(t.append(expected(lsn + 1)), "appending after recovery continues the id sequence");
      }
    }
  }

  /** Runs the child until it reported {@code flushes} flushes, kills it, returns the last reported lsn. */
  private static long runAndKill(Path d, int flushes) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin",
        "java").toString()));
    cmd.addAll(List.of("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), CrashTest.class.getName(), d.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    long last = 0;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      int seen = 0;
      String line;
      while (seen < flushes && (line = r.readLine()) != null) {
        if (line.startsWith("flushed ")) {
          last = Long.parseLong(line.substring(8));
          seen++;
        } else {
          System.out.println("child: " + line);
        }
      }
      p.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no close
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    }
    assertTrue(last > 0, "the child never flushed");
    return last;
  }
}
