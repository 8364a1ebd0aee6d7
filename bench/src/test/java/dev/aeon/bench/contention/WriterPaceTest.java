package dev.aeon.bench.contention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.bench.util.BenchArgs;
import dev.aeon.common.ebr.Epochs;
import dev.aeon.engine.Aeon;
import dev.aeon.engine.AeonOptions;
import dev.aeon.engine.Durability;
import dev.aeon.engine.Memory;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whether the contention phase's paced writer kept the pace it was asked for. A writer that fell short under load
 * (102-114 of 200 pairs/s was seen) was reported as if it had kept it: the JSON gave the pace asked and the writer's
 * operations per second, and nothing said the readers had been beside a lighter writer than the phase's name says.
 */
class WriterPaceTest {

  @TempDir
  Path dir;

  /**
   * The phase's results say how many pairs per second the writer made and whether that fell short of 90% of its
   * pace. A real writer, asked for a pace no machine keeps (a pair every nanosecond), stopped after 20 pairs.
   */
  @Test
  void theResultsSayWhetherThePacedWriterFellShort() throws Exception {
    RandomWorkload workload = new RandomWorkload(50, 4, 8);
    ContentionBench.Options o = ContentionBench.Options.of(BenchArgs.parse("contention",
        new String[] {"--seconds", "1", "--write-rate", "1000000000"}, ContentionBench.Options.SPECS));
    try (Aeon aeon = Aeon.open(dir, AeonOptions.defaults().withDurability(Durability.OFF));
        Epochs epochs = new Epochs()) {
      Memory memory = aeon.memory();
      LiveEvents live = new LiveEvents(workload.events());
      for (int i = 0; i < workload.events(); i++) {
        live.add(memory.remember(workload.loaded(i)), i);
      }
      int[] pairs = {0};
      ChurnWriter writer = new ChurnWriter(memory, live, workload, epochs, new OpenLoopReader.Board(),
          () -> pairs[0]++ == 20, o.writeRate());
      writer.run();
      assertEquals(20, writer.remembers.count());
      ContentionBench.Phase phase = new ContentionBench.Phase(new Latencies(), new Latencies(), new Latencies(),
          new Latencies(), 0, 0, writer, o.seconds(), new Latencies[] {new Latencies()}, null,
          dev.aeon.wal.FlusherStats.NONE);
      Map<String, Object> results = ContentionBench.results(o, new Latencies(), 1, 1, phase, phase, workload);
      assertEquals(true, results.get("writer_fell_short_of_pace"), results::toString);
      Object achieved = results.get("writer_pairs_per_s_achieved");
      assertTrue(achieved instanceof Long a && a > 0 && a < 900_000_000L, results::toString);
      assertTrue(results.get("writer_pace_fraction") instanceof Double f && f < 0.9, results::toString);
    }
  }

  /** Short is under 90% of the pace asked; a writer flat out (no pace) is never short. */
  @Test
  void shortIsUnderNinetyPercentOfThePaceAsked() {
    WriterPace seen = new WriterPace(200, 108, 1.0);
    assertTrue(seen.fellShort());
    assertEquals(0.54, seen.fraction(), 1e-9);
    assertEquals("WARNING: the paced writer fell short of its pace: 108 of the 200 pairs/s asked (54%, under 90%):"
        + " the readers of this phase were beside a lighter writer than asked", seen.describe());
    assertTrue(new WriterPace(200, 5_399, 30.0).fellShort(), "179.97 pairs/s");
    WriterPace kept = new WriterPace(200, 5_400, 30.0);
    assertFalse(kept.fellShort(), "180 pairs/s");
    assertEquals("the paced writer made 180 of the 200 pairs/s asked (90%)", kept.describe());
    assertFalse(new WriterPace(0, 10, 1.0).fellShort(), "flat out");
  }
}
