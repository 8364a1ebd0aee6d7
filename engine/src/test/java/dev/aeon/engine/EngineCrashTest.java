package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety by crashing: a child JVM ({@link CrashChild}) writes under SYNC and is killed with
 * SIGKILL at a random moment, again and again on the same directory. After every kill the memory is
 * reopened and compared with what the child acknowledged.
 */
public class EngineCrashTest {

  /** More leaves than any index of these tests has: the recall then scans them all. */
  static final int EVERY_LEAF = 1 << 16;

  static final int CYCLES = Integer.getInteger("aeon.crash.cycles", 30);

  @TempDir
  Path dir;

  @Test
  void acknowledgedMutationsSurviveKill9() throws Exception {
    run(dir, Long.getLong("aeon.test.seed", System.nanoTime()), CYCLES);
  }

  /** Kills a writing child {@code cycles} times in {@code dir}; every reopen must match the acks. */
  public static void run(Path dir, long seed, int cycles) throws Exception {
    System.out.println("EngineCrashTest seed " + seed + ", " + cycles + " cycles");
    Random random = new Random(seed);
    Path data = dir.resolve("data");
    Path acks = dir.resolve("acks.txt");
    Acked acked = new Acked();
    for (int cycle = 0; cycle < cycles; cycle++) {
      Files.deleteIfExists(acks);
      Process child = startChild(data, acks, random.nextLong());
      killAfter(child, acks, 50 + random.nextInt(400));
      acked.read(acks);
      verify(data, acked, "seed " + seed + " cycle " + cycle);
    }
    assertTrue(acked.remembered.size() > cycles, "the children acknowledged only " + acked.remembered.size()
        + " events");
    System.out.println("EngineCrashTest: " + acked.compactions + " compactions and " + acked.batches + " batches ("
        + acked.batchesCutShort + " more cut short by a kill, " + acked.batchesRecovered + " of them recovered whole)"
        + " acknowledged among " + acked.operations + " operations");
    // A compaction comes about once in 50 operations: none in 1,000 (a chance of 2e-9) means none can run.
    assertTrue(acked.operations < 1_000 || acked.compactions > 0, "no compaction was acknowledged");
  }

  /** What the children acknowledged, and what they were doing when killed. */
  static final class Acked {
    final Map<Long, Long> remembered = new HashMap<>(); // id -> vector seed
    final Set<Long> forgotten = new HashSet<>();
    /** Per event, the marks it may carry: the last acknowledged, and one set but not acknowledged. */
    final Map<Long, Set<String>> marks = new HashMap<>();
    final Map<Long, List<Long>> links = new HashMap<>(); // from -> targets, one per acknowledged link
    int compactions;
    /** Operations acknowledged: remembers, batches, links, marks and forgets. */
    int operations;
    int batches;
    /** The seeds of each batch a child announced but did not acknowledge in the last cycle: all there or none. */
    final List<List<Long>> unacknowledgedBatches = new ArrayList<>();
    int batchesCutShort;
    int batchesRecovered;

    /**
     * Reads complete lines only (the kill may tear the last one). A forget the child announced ({@code f})
     * but did not acknowledge ({@code F}) may or may not have happened: the event is dropped from the model.
     * A mark announced ({@code m}) but not acknowledged ({@code M}) may be there or not.
     */
    void read(Path acks) throws IOException {
      String[] lines = Files.readString(acks).split("\n", -1);
      for (int i = 0; i < lines.length - 1; i++) { // the last element follows the last newline
        String[] f = lines[i].split(" ");
        if (Set.of("R", "L", "M", "F", "B").contains(f[0])) {
          operations++;
        }
        switch (f[0]) {
          case "R" -> remembered.put(Long.parseLong(f[1]), Long.parseLong(f[2]));
          case "L" -> links.computeIfAbsent(Long.parseLong(f[1]), k -> new ArrayList<>()).add(Long.parseLong(f[2]));
          case "M" -> marks.put(Long.parseLong(f[1]), new HashSet<>(Set.of(f[2])));
          case "m" -> {
            if (!acknowledgedNext(lines, i, "M " + f[1] + " " + f[2])) {
              marks.computeIfAbsent(Long.parseLong(f[1]), k -> new HashSet<>(Set.of("-"))).add(f[2]);
            }
          }
          case "F" -> forgotten.add(Long.parseLong(f[1]));
          case "C" -> compactions++;
          case "B" -> {
            batches++;
            for (String event : f[1].split(",")) { // id:seed, and >target for each link of the event
              String[] idSeed = event.split("[:>]");
              long id = Long.parseLong(idSeed[0]);
              remembered.put(id, Long.parseLong(idSeed[1]));
              for (int t = 2; t < idSeed.length; t++) {
                links.computeIfAbsent(id, k -> new ArrayList<>()).add(Long.parseLong(idSeed[t]));
              }
            }
          }
          case "b" -> {
            if (!(i + 1 < lines.length - 1 && lines[i + 1].startsWith("B "))) {
              unacknowledgedBatches.add(Arrays.stream(f[1].split(",")).map(Long::valueOf).toList());
            }
          }
          case "f" -> {
            if (!acknowledgedNext(lines, i, "F " + f[1])) {
              remembered.remove(Long.parseLong(f[1]));
            }
          }
          default -> { }
        }
      }
    }

    /** The child acknowledges on the line right after announcing; the last element is a torn line or "". */
    private static boolean acknowledgedNext(String[] lines, int i, String ack) {
      return i + 1 < lines.length - 1 && lines[i + 1].equals(ack);
    }
  }

  private static void verify(Path data, Acked acked, String context) throws IOException {
    try (Aeon aeon = Aeon.open(data, AeonOptions.defaults().withWalSegmentBytes(256 << 10))) {
      DurableMemory m = (DurableMemory) aeon.memory();
      if (!acked.remembered.isEmpty()) {
        assertEquals(CrashChild.MODEL, m.stats().embeddingModel(), context + ": the vectors' model is lost");
      }
      for (Map.Entry<Long, Long> e : acked.remembered.entrySet()) {
        long id = e.getKey();
        var event = m.get(id);
        if (acked.forgotten.contains(id)) {
          assertTrue(event.isEmpty(), context + ": forgotten event " + id + " is back");
          continue;
        }
        assertTrue(event.isPresent(), context + ": acknowledged event " + id + " is lost");
        assertEquals("text-" + e.getValue(), event.get().text(), context);
        assertEquals(e.getValue(), event.get().attributes().get("seed"), context);
        Object mark = event.get().attributes().get("mark");
        Set<String> allowed = acked.marks.getOrDefault(id, Set.of("-"));
        assertTrue(allowed.contains(mark == null ? "-" : mark.toString()),
            context + ": event " + id + " is marked " + mark + ", acknowledged " + allowed);
        checkLinks(m, id, acked, context);
        float[] vector = TestVectors.unit(e.getValue());
        List<Recalled> hit = m.recall(Recall.vector(vector, 1).slb(false));
        if (hit.getFirst().event().id() != id) {
          // The default recall is approximate, and these random 32-dimensional vectors have no clusters:
          // it can miss a vector's own leaf. The vector must still be in the index with its own values,
          // so a search of every leaf has to find it first.
          System.out.println(context + ": the default recall missed " + id + "; searching every leaf");
          hit = m.recall(Recall.vector(vector, 1).slb(false).nprobe(EVERY_LEAF));
        }
        assertEquals(id, hit.getFirst().event().id(), context + ": vector of " + id);
      }
      for (List<Long> seeds : acked.unacknowledgedBatches) {
        checkAllOrNone(m, seeds, acked, context);
      }
      acked.unacknowledgedBatches.clear();
      assertEquals(List.of(), m.inconsistencies(), context + ": stores disagree");
    }
    // A compaction replaces the trace's meta log; whichever the kill left in force, the open deletes the other.
    try (var files = Files.list(data.resolve("ns").resolve("default").resolve("trace"))) {
      assertEquals(1, files.filter(f -> f.getFileName().toString().startsWith("meta")).count(),
          context + ": meta logs left beside the one in force");
    }
  }

  /** A batch the kill cut short: every event of it is there, each as it was given, or none is. */
  private static void checkAllOrNone(Memory m, List<Long> seeds, Acked acked, String context) {
    List<Long> found = new ArrayList<>();
    for (long seed : seeds) {
      List<List<Object>> rows = m.query("MATCH (e {session: 's'}) WHERE e.seed = $seed RETURN e.id, e.text",
          Map.of("seed", seed)).rows();
      assertTrue(rows.size() <= 1, context + ": seed " + seed + " remembered twice");
      if (!rows.isEmpty()) {
        assertEquals("text-" + seed, rows.getFirst().get(1), context);
        found.add(seed);
      }
    }
    assertTrue(found.isEmpty() || found.size() == seeds.size(), context + ": " + found.size() + " of the "
        + seeds.size() + " events of a batch not acknowledged are there, seeds " + found + " of " + seeds);
    acked.batchesCutShort++;
    acked.batchesRecovered += found.isEmpty() ? 0 : 1;
  }

  private static Process startChild(Path data, Path acks, long seed) throws IOException {
    return startJvm(CrashChild.class, data.toString(), acks.toString(), Long.toString(seed));
  }

  /** A child JVM running {@code main} with the test's classpath and the flags the stores need; output dropped. */
  static Process startJvm(Class<?> main, String... args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector",
        "--enable-native-access=ALL-UNNAMED", "-Xshare:auto", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), main.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }

  /** Waits for the child's START line, lets it run for {@code millis}, and kills it with SIGKILL. */
  static void killAfter(Process child, Path acks, long millis) throws Exception {
    awaitStart(child, acks);
    Thread.sleep(millis);
    child.destroyForcibly();
    assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not die");
  }

  /** Waits until the child reported a line starting with {@code prefix} (a {@code what} it did), 120 s at most. */
  static void awaitReport(Path acks, String prefix, String what) throws Exception {
    awaitReports(acks, prefix, 1, what);
  }

  /** Waits until the child reported {@code count} lines starting with {@code prefix}, 120 s at most. */
  static void awaitReports(Path acks, String prefix, long count, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (Files.readAllLines(acks).stream().filter(line -> line.startsWith(prefix)).count() < count) {
      assertTrue(System.nanoTime() < deadline, "the child reported fewer than " + count + " " + what + " within 120 s");
      Thread.sleep(10);
    }
  }

  static void awaitStart(Process child, Path acks) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (Files.exists(acks) && Files.readString(acks).contains("START")) {
        return;
      }
      if (!child.isAlive()) {
        throw new AssertionError("child exited with " + child.exitValue() + " before starting");
      }
      Thread.sleep(10);
    }
    throw new AssertionError("child did not start within 60 s");
  }

  /**
   * Every acknowledged link out of {@code id} to an event that is still there is found by a query, and no
   * link leads to a forgotten event (a link logged but not acknowledged may be there too).
   */
  private static void checkLinks(Memory m, long id, Acked acked, String context) {
    List<Long> found = m.query("MATCH (a {id: $id})-[:REFERS_TO]->(b) RETURN b.id", Map.of("id", id)).rows()
        .stream().map(row -> (Long) row.getFirst()).toList();
    List<Long> missing = new ArrayList<>(acked.links.getOrDefault(id, List.of()));
    missing.removeIf(to -> acked.forgotten.contains(to) || !acked.remembered.containsKey(to));
    found.forEach(missing::remove); // one acknowledged link per link found
    assertEquals(List.of(), missing, context + ": acknowledged links out of " + id + " are lost");
    assertTrue(found.stream().noneMatch(acked.forgotten::contains), context + ": a link of " + id
        + " to a forgotten event");
  }
}
