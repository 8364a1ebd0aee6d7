package dev.aeon.bench.contention;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aeon.bench.util.BenchArgs;
import dev.aeon.engine.Aeon;
import dev.aeon.engine.AeonOptions;
import dev.aeon.engine.Durability;
import dev.aeon.engine.Memory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An open-loop phase's p99 per window when its rate is so low that the readers' staggered starts lie more
 * than a window's length apart, as when one reader alone sustained a few recalls per second (a cold JIT on a
 * busy machine). Each reader counted its windows from its own first due time, so a late starter had fewer than
 * the first, and merging them threw ArrayIndexOutOfBoundsException, ending the benchmark in its warm-up.
 */
class OpenLoopWindowsTest {

  @TempDir
  Path dir;

  @Test
  void readersStartingWindowsApartShareThePhasesWindows() throws Exception {
    RandomWorkload workload = new RandomWorkload(50, 4, 8);
    ContentionBench.Options o = ContentionBench.Options.of(BenchArgs.parse("contention",
        new String[] {"--seconds", "6", "--readers", "2", "--default-timer-slack"}, ContentionBench.Options.SPECS));
    try (Aeon aeon = Aeon.open(dir, AeonOptions.defaults().withDurability(Durability.OFF))) {
      Memory memory = aeon.memory();
      for (int i = 0; i < workload.events(); i++) {
        memory.remember(workload.loaded(i));
      }
      // 2 recalls in 11 s: each reader's due times 11 s apart, the second's first 5.5 s after the phase's start.
      ContentionBench.Phase phase = ContentionBench.openLoop(memory, workload.queries(), o, 2 / 11.0, null);
      assertEquals(2, phase.latencyByWindow().length, "6 s in windows of 5 s");
      assertEquals(2, phase.latency().count(), "due at 0 s and at 5.5 s");
      assertEquals(1, phase.latencyByWindow()[0].count(), "due at 0 s");
      assertEquals(1, phase.latencyByWindow()[1].count(), "due at 5.5 s: the phase's second window");
      assertEquals(0, phase.errors());
    }
  }
}
