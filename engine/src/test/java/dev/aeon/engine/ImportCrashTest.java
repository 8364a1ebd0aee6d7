package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Imports cut short by a crash: a child JVM ({@link ImportChild}) imports an export into namespace after namespace
 * (every other one existing and empty before, which the import replaces) and is killed with SIGKILL at a random
 * moment. Every import it reported is there whole; the one the kill caught is whole (renamed into place just
 * before the kill), absent, or, if it replaced one, that namespace as it was before the import (empty, or holding
 * the event remembered in it, if the kill came before its forget, or before that was written: ASYNC), never part
 * of the import; and the open deletes what the import left under tmp/.
 */
public class ImportCrashTest {

  static final int CYCLES = Integer.getInteger("aeon.import.crash.cycles", 5);
  /** ASYNC: an import is made durable by its checkpoint and rename, not event by event. */
  static final AeonOptions OPTIONS = EngineTest.options().withDurability(Durability.ASYNC);
  private static final int EVENTS = 300;

  @TempDir Path dir;

  @Test
  void anImportCutShortByAKillLeavesTheWholeNamespaceOrNone() throws Exception {
    run(dir, Long.getLong("aeon.test.seed", System.nanoTime()), CYCLES);
  }

  /** Kills a child that imports into namespaces {@code cycles} times in {@code dir}; checks each time. */
  public static void run(Path dir, long seed, int cycles) throws Exception {
    System.out.println("ImportCrashTest seed " + seed + ", " + cycles + " cycles");
    Random random = new Random(seed);
    Path export = export(dir);
    Path data = dir.resolve("data");
    Path acks = dir.resolve("acks.txt");
    int next = 0;
    int reported = 0;
    int caughtWhole = 0;
    int caughtAbsent = 0;
    int caughtBefore = 0;
    for (int cycle = 0; cycle < cycles; cycle++) {
      String context = "seed " + seed + " cycle " + cycle;
      Files.deleteIfExists(acks);
      Process child = EngineCrashTest.startJvm(ImportChild.class, data.toString(), export.toString(),
          acks.toString(), Integer.toString(next));
      if (cycle == cycles - 1 && reported == 0) {
        // On a loaded machine every kill may come before the first import ends: the last one waits for one, so
        // that the run checks a reported import too
        EngineCrashTest.awaitStart(child, acks);
        EngineCrashTest.awaitReport(acks, "I ", "import");
      }
      EngineCrashTest.killAfter(child, acks, 300 + random.nextInt(1500));
      Set<Integer> imported = new HashSet<>();
      for (String line : Files.readAllLines(acks)) {
        String[] f = line.split(" ");
        if (f.length == 2 && f[0].equals("I")) {
          imported.add(Integer.parseInt(f[1]));
        }
      }
      int caught = next + imported.size(); // the import the kill caught
      for (int n = next; n < caught; n++) {
        assertTrue(imported.contains(n), context + ": i" + n + " was not reported");
      }
      try (Aeon aeon = Aeon.open(data, OPTIONS)) {
        assertFalse(DropCrashTest.hasFiles(data.resolve("tmp")), context + ": the open left what an import built");
        List<String> names = aeon.namespaceNames();
        for (int n = next; n <= caught; n++) {
          if (n == caught && !names.contains("i" + n)) {
            caughtAbsent++;
            continue;
          }
          assertTrue(names.contains("i" + n), context + ": reported import i" + n + " is missing");
          MemoryStats stats = aeon.namespace("i" + n).stats();
          if (n == caught && n % 2 == 1 && asBeforeTheImport(aeon.namespace("i" + n))) {
            caughtBefore++; // the namespace the import would have replaced
            continue;
          }
          assertEquals(EVENTS, stats.events(), context + ": i" + n + " holds part of the import");
          assertEquals(EVENTS - 1, stats.edges(), context + ": i" + n + " links");
          assertEquals(List.of(), aeon.check("i" + n), context + ": i" + n);
          caughtWhole += n == caught ? 1 : 0;
        }
        assertFalse(names.contains("i" + (caught + 1)), context + ": a namespace past the one the kill caught");
      }
      reported += imported.size();
      next = caught + 1;
    }
    System.out.println("ImportCrashTest: " + reported + " imports reported; of the " + cycles + " the kills caught, "
        + caughtWhole + " found whole, " + caughtAbsent + " absent and " + caughtBefore + " as before the import");
    assertTrue(reported > 0, "the children reported no import");
  }

  /** Empty, or holding only the event {@link ImportChild} remembers before it forgets it and imports. */
  private static boolean asBeforeTheImport(Memory m) {
    List<Event> held = m.history("s", 2);
    return m.stats().events() == held.size()
        && (held.isEmpty() || held.size() == 1 && held.getFirst().text().equals(ImportChild.PLACEHOLDER));
  }

  /** An export of {@link #EVENTS} events with vectors, each but the first linked to the one before. */
  private static Path export(Path dir) {
    Path file = dir.resolve("export.jsonl");
    try (Aeon source = Aeon.open(dir.resolve("source"), OPTIONS)) {
      Memory m = source.memory();
      long previous = -1;
      for (int i = 0; i < EVENTS; i++) {
        Remember event = Remember.event("s" + i % 3, "user", "event " + i + " " + "x".repeat(i % 200))
            .vector(TestVectors.unit(i)).attribute("i", i);
        previous = m.remember(previous < 0 ? event : event.link("FOLLOWS", previous));
      }
      source.exportNamespace(Aeon.DEFAULT_NAMESPACE, file);
    }
    return file;
  }
}
