package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forgets racing the blob arena's collections: texts are remembered and forgotten while checkpoints free the
 * forgotten texts past the automatic collection's threshold (collections on the arena's own thread) and
 * compactions collect on another; after a last compaction and close, no byte of any forgotten text may remain
 * in any file, and every text kept reads back whole. Seeded: rerun with {@code -Daeon.test.seed=N}.
 */
class ForgetRacingCollectionTest {

  private static final long SEED = Long.getLong("aeon.test.seed", System.nanoTime());

  @TempDir
  Path dir;

  @Test
  void aForgetRacingACollectionLeavesNoByteOfItsTextInAnyFile() throws Exception {
    System.out.println("ForgetRacingCollectionTest seed " + SEED + " (rerun with -Daeon.test.seed=" + SEED + ")");
    Random random = new Random(SEED);
    List<Long> ids = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    java.util.Set<Integer> forgotten = new java.util.HashSet<>();
    boolean[] gone = new boolean[1_500];
    AtomicBoolean stop = new AtomicBoolean();
    java.util.concurrent.atomic.AtomicInteger remembered = new java.util.concurrent.atomic.AtomicInteger();
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.memory();
      Thread compactor = Thread.ofPlatform().start(() -> {
        try {
          while (!stop.get()) {
            int seen = remembered.get();
            while (remembered.get() < seen + 100 && !stop.get()) {
              Thread.onSpinWait(); // the remembering goes on between compactions
            }
            m.compact(); // a collection under the namespace's lock, beside those the checkpoints' frees start
          }
        } catch (Throwable t) {
          failures.add(t);
        }
      });
      for (int i = 0; i < gone.length && failures.isEmpty(); i++) {
        // 2 to 3 KB each: the arena passes the 4 MiB from which frees start collections of their own
        String text = "<text " + i + " begins> " + "x".repeat(2_000 + random.nextInt(1_000)) + " <text " + i + " ends>";
        ids.add(m.remember(Remember.event("s", "user", text).vector(TestVectors.unit(i))));
        texts.add(text);
        remembered.set(i + 1);
        if (i > 10 && random.nextInt(3) == 0) {
          int victim = random.nextInt(i);
          if (!gone[victim]) {
            gone[victim] = true;
            assertTrue(m.forget(ids.get(victim)));
            forgotten.add(victim);
          }
        }
        if (i % 250 == 0) {
          m.checkpoint(); // frees the texts forgotten so far
        }
      }
      stop.set(true);
      compactor.join(120_000);
      assertFalse(compactor.isAlive(), "the compacting thread did not end");
      assertTrue(failures.isEmpty(), () -> "seed " + SEED + ": " + failures.peek());
      m.compact();
      for (int i = 0; i < texts.size(); i++) {
        if (!gone[i]) {
          assertEquals(texts.get(i), m.get(ids.get(i)).orElseThrow().text(), "seed " + SEED + ": event " + i);
        }
      }
    }
    // each text's two ends, looked for in one pass over each file (any copy of a text, or of its first or last
    // part, holds one of them)
    java.util.regex.Pattern end = java.util.regex.Pattern.compile("<text (\\d+) (begins|ends)>");
    assertTrue(forgotten.size() > 100, "too few forgets");
    int seen = 0;
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        java.util.regex.Matcher found = end.matcher(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
        while (found.find()) {
          int i = Integer.parseInt(found.group(1));
          assertFalse(forgotten.contains(i), "seed " + SEED + ": forgotten text " + i + " remains in " + f);
          seen++;
        }
      }
    }
    assertTrue(seen > 0, "no kept text found in the files: the search finds nothing");
  }
}
