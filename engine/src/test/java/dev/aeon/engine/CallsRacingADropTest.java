package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The calls that do not create a namespace (an import's look at the namespace it would replace, a reader, a check, a
 * backup) racing a drop of it: whatever the order, the namespace the drop deleted stays deleted. Each of them checked
 * that the namespace existed, then opened it, which created it afresh, empty, when the drop came in between: an
 * import whose file was then refused said that nothing was kept and the namespace was as it was, and left an empty
 * namespace where the drop had deleted one. Seeded: the seed is printed, and {@code -Dseed=} runs it again.
 */
class CallsRacingADropTest {

  private static final int ROUNDS = 12;

  @TempDir Path dir;

  @Test
  void aNamespaceThatADropDeletesStaysDeletedWhateverRacesTheDrop() throws Exception {
    long seed = Long.getLong("seed", System.nanoTime());
    System.out.println("CallsRacingADropTest seed: " + seed);
    Random random = new Random(seed);
    Path notAnExport = Files.writeString(dir.resolve("not-an-export.jsonl"), "not an export\n");
    try (Aeon aeon = Aeon.open(dir.resolve("memory"), EngineTest.options());
        ExecutorService dropper = Executors.newSingleThreadExecutor()) {
      Map<String, Consumer<String>> calls = new LinkedHashMap<>();
      calls.put("import", n -> aeon.importNamespace(n, notAnExport));
      calls.put("reader", n -> aeon.reader(n).stats());
      calls.put("check", aeon::check);
      calls.put("backup", n -> aeon.backup(n, dir.resolve("backups").resolve(n)));
      List<String> recreated = new ArrayList<>();
      int round = 0;
      for (var call : calls.entrySet()) {
        for (int i = 0; i < ROUNDS; i++, round++) {
          String name = "n" + round;
          aeon.namespace(name).stats(); // created, empty, and closed: the call opens it from its files
          aeon.closeNamespace(name);
          int dropSpins = random.nextInt(20_000);
          int callSpins = random.nextInt(20_000);
          CyclicBarrier start = new CyclicBarrier(2);
          Future<Boolean> drop = dropper.submit(() -> {
            start.await();
            spin(dropSpins);
            return aeon.dropNamespace(name);
          });
          start.await();
          spin(callSpins);
          try {
            call.getValue().accept(name);
          } catch (RuntimeException refused) {
            // the import's file is refused; the others may find no namespace, or one closed as dropped
          }
          assertTrue(drop.get(), name + " existed until the drop");
          if (aeon.exists(name)) {
            recreated.add(call.getKey() + " " + name);
          }
        }
      }
      assertEquals(List.of(), recreated, "namespaces made again, empty, after a drop deleted them (seed " + seed + ")");
    }
  }

  /** Busy-waits {@code n} steps, so that the two threads meet at a different point of their calls each round. */
  private static void spin(int n) {
    for (int i = 0; i < n; i++) {
      Thread.onSpinWait();
    }
  }
}
