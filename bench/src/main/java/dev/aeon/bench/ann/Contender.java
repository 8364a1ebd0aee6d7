package dev.aeon.bench.ann;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * One built engine in the run: its build figures, its sweep, and every round's measurement of each point.
 *
 * <p>Why rounds: the machines these figures come from are shared, and a slow spell that falls on one
 * engine's sweep would skew the ratio between engines (a run at 0826ff4 measured Atlas's no-sketch
 * points a third slower than the code they run had measured before). Every engine's sweep is measured
 * in each round, rounds alternate the engines' order, and each point reports its median round by the
 * search thread's CPU time.
 */
final class Contender implements AutoCloseable {

  private final AnnEngine engine;
  private final double buildSeconds;
  private final double buildCpuSeconds;
  private final double bytesPerVector;
  private final List<AnnEngine.Setting> sweep;
  private final List<List<QueryLoop.Measured>> rounds = new ArrayList<>(); // per point, one per round

  Contender(AnnEngine engine, double buildSeconds, double buildCpuSeconds, double bytesPerVector, boolean quick) {
    this.engine = engine;
    this.buildSeconds = buildSeconds;
    this.buildCpuSeconds = buildCpuSeconds;
    this.bytesPerVector = bytesPerVector;
    this.sweep = engine.sweep(quick);
    for (int i = 0; i < sweep.size(); i++) {
      rounds.add(new ArrayList<>());
    }
  }

  String name() {
    return engine.name();
  }

  /** Measures every point of the sweep once more, printing each row as it is measured. */
  void measureRound(int round, float[][] queries, int[][] truth, int k) throws IOException {
    for (int i = 0; i < sweep.size(); i++) {
      QueryLoop.Measured m = QueryLoop.run(sweep.get(i), queries, truth, k, round == 0);
      rounds.get(i).add(m);
      System.out.println(QueryLoop.row(engine.name(), m) + String.format(Locale.ROOT, "   (round %d)", round + 1));
    }
  }

  /** The result: each point's median round by CPU-time QPS, with every round's CPU-time QPS. */
  EngineResult result() {
    List<QueryLoop.Measured> points = new ArrayList<>();
    List<double[]> spread = new ArrayList<>();
    for (List<QueryLoop.Measured> r : rounds) {
      List<QueryLoop.Measured> sorted =
          r.stream().sorted(Comparator.comparingDouble(QueryLoop.Measured::cpuQps)).toList();
      points.add(sorted.get(sorted.size() / 2));
      spread.add(r.stream().mapToDouble(QueryLoop.Measured::cpuQps).toArray());
    }
    return new EngineResult(engine.name(), buildSeconds, buildCpuSeconds, bytesPerVector, engine.memoryNote(), points,
        spread);
  }

  @Override
  public void close() throws IOException {
    engine.close();
  }
}
