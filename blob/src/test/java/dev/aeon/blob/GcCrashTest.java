package dev.aeon.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM (SIGKILL) at random moments while it appends, frees, forces and collects, then reopens
 * the arena and compares it with a replay of the workload: every blob live at the last acknowledged point is
 * there with the right bytes, every blob freed or dropped durably is gone, and blobs whose fate was in flight
 * are either there with the right bytes or gone. Seeded: rerun with {@code -Daeon.test.seed=N}.
 */
class GcCrashTest {

  private static final long SEED = Long.getLong("aeon.test.seed", System.nanoTime());
  private static final int KILLS = Integer.getInteger("aeon.test.crashKills", 6);

  private enum Fate { LIVE, DEAD, MAYBE }

  @TempDir
  Path tmp;

  @Test
  void aKillAtAnyPointLeavesOldOrNewGenerationAuthoritativeAndLosesNoBlob() throws Exception {
    System.out.println("GcCrashTest seed " + SEED + " (rerun with -Daeon.test.seed=" + SEED + ")");
    Random random = new Random(SEED);
    for (int i = 0; i < KILLS; i++) {
      Path dir = tmp.resolve("kill-" + i);
      long workloadSeed = random.nextLong();
      List<String> lines = runAndKill(dir, workloadSeed, random.nextInt(1200));
      String last = lines.getLast();
      List<String> before = fileNames(dir);
      checkDirectory(dir, workloadSeed, last);
      System.out.printf("kill %d: last acknowledged '%s', files after the kill %s: checked%n", i, last, before);
    }
  }

  private static List<String> runAndKill(Path dir, long workloadSeed, int delayMillis) throws Exception {
    String java = ProcessHandle.current().info().command().orElse(
        Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Process child = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector",
        "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        GcCrashChild.class.getName(), dir.toString(), Long.toString(workloadSeed))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    List<String> lines = new ArrayList<>();
    CountDownLatch firstCommit = new CountDownLatch(1);
    CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          synchronized (lines) {
            lines.add(line);
          }
          firstCommit.countDown();
        }
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    assertTrue(firstCommit.await(120, TimeUnit.SECONDS), "child never committed a round");
    Thread.sleep(delayMillis);
    assertTrue(child.isAlive(), "the child died by itself");
    // SIGKILL through the handle (Process.destroyForcibly would also close our end of its stdout)
    child.toHandle().destroyForcibly();
    child.waitFor();
    reader.get(30, TimeUnit.SECONDS);
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  /** Replays the workload up to the last line the child printed and checks every key's fate. */
  private static void checkDirectory(Path dir, long workloadSeed, String last) throws IOException {
    String[] parts = last.split(" ");
    int acknowledged = Integer.parseInt(parts[1]);
    boolean gcDone = parts[0].equals("GC");
    Map<Integer, Fate> fate = new HashMap<>();
    CrashWorkload workload = new CrashWorkload(workloadSeed);
    int keys = 0;
    for (int n = 1; n <= acknowledged + 1; n++) {
      CrashWorkload.Round round = workload.next();
      boolean inFlight = n == acknowledged + 1;
      if (inFlight && !gcDone) {
        break; // the child was between COMMITTED n-1 and GC n-1: round n had not started
      }
      for (int k = round.firstKey(); k < round.firstKey() + CrashWorkload.APPENDS; k++) {
        fate.put(k, inFlight ? Fate.MAYBE : Fate.LIVE);
      }
      keys = round.firstKey() + CrashWorkload.APPENDS;
      for (int k : round.freed()) {
        fate.put(k, inFlight ? Fate.MAYBE : Fate.DEAD);
      }
      boolean dropDone = n < acknowledged || (n == acknowledged && gcDone);
      for (int k : round.dropped()) {
        fate.put(k, inFlight ? Fate.MAYBE : dropDone ? Fate.DEAD : Fate.MAYBE);
      }
    }
    try (BlobArena arena = BlobArena.open(dir)) {
      long live = 0;
      for (int k = 0; k < keys; k++) {
        long ref = CrashWorkload.refOf(k);
        Fate f = fate.get(k);
        assertNotNull(f);
        if (f == Fate.LIVE || (f == Fate.MAYBE && arena.contains(ref))) {
          assertEquals(k, Blobs.check(arena.readBytes(ref)), "key " + k + " after '" + last + "'");
          assertEquals(Math.max(8, CrashWorkload.lengthOf(k)), arena.length(ref));
          live++;
        } else {
          assertFalse(arena.contains(ref), "key " + k + " was durably freed or dropped before '" + last + "'");
        }
      }
      assertEquals(live, arena.verify().liveBlobs(), "blobs the workload never wrote appeared");
      long fresh = arena.append("after the crash");
      assertEquals("after the crash", arena.readString(fresh));
      arena.gc();
    }
    List<String> names = fileNames(dir);
    assertEquals(2, names.size(), "exactly one generation file and the lock must remain: " + names);
  }

  private static List<String> fileNames(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
