package dev.aeon.bench.ann;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * One built engine in the run: its build figures, its sweep, and every round's measurement of each point.
 *
 * <p>Why rounds, and why chunks: the machines these figures come from are shared, and their slow spells
 * last from seconds to minutes; one that fell on one engine's sweep skewed the ratio between engines
 * (runs up to 39d42b4 measured each point in one stretch, and whole rounds of Atlas's sweep came out a
 * third slower than the rounds before and after them, while JVector's did not). So {@link AnnBench}
 * splits the queries into chunks and measures chunk by chunk, every point of every engine in turn
 * ({@link #measureChunk}), so that each point's time is spread over the whole round and every engine
 * meets the same spells. Each point reports its median round by the search thread's CPU time.
 */
final class Contender implements AutoCloseable {

  private final AnnEngine engine;
  private final double buildSeconds;
  private final double buildCpuSeconds;
  private final double bytesPerVector;
  private final List<AnnEngine.Setting> sweep;
  private final List<List<QueryLoop.Measured>> rounds = new ArrayList<>(); // per point, one per round
  private final List<Double> recalls = new ArrayList<>(); // per point, from the warm-up
  private final List<QueryLoop.Tally> tallies = new ArrayList<>(); // per point, the round being measured

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

  /** Runs every point of the sweep untimed until the JIT has compiled its path, and takes its recall. */
  void warmUp(float[][] queries, int[][] truth, int k) throws IOException {
    for (AnnEngine.Setting s : sweep) {
      recalls.add(QueryLoop.warmUp(s, queries, truth, k));
    }
  }

  /** Starts a round: every point's timed queries are added up afresh. */
  void startRound() {
    tallies.clear();
    for (int i = 0; i < sweep.size(); i++) {
      tallies.add(new QueryLoop.Tally(sweep.get(i), recalls.get(i)));
    }
  }

  /** Times queries {@code [from, to)} on every point of the sweep. */
  void measureChunk(float[][] queries, int from, int to, int k) throws IOException {
    for (QueryLoop.Tally t : tallies) {
      t.measure(queries, from, to, k);
    }
  }

  /** Ends round {@code round}: records and prints every point's measurement. */
  void endRound(int round) {
    for (int i = 0; i < tallies.size(); i++) {
      QueryLoop.Measured m = tallies.get(i).result();
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
