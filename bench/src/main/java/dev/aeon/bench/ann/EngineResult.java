package dev.aeon.bench.ann;

import java.util.ArrayList;
import java.util.List;

/**
 * What one engine measured: build time, memory and one point per sweep setting (its median round), with
 * every round's CPU-time QPS of each point ({@code cpuQpsRounds}, in the points' order).
 */
record EngineResult(String engine, double buildSeconds, double buildCpuSeconds, double bytesPerVector,
    String memoryNote,
    List<QueryLoop.Measured> points, List<double[]> cpuQpsRounds) {

  /** Recall against QPS, by wall time or (if {@code cpu}) by the search thread's CPU time. */
  List<Recall.Point> curve(boolean cpu) {
    List<Recall.Point> out = new ArrayList<>();
    for (QueryLoop.Measured m : points) {
      out.add(new Recall.Point(m.recall(), cpu ? m.cpuQps() : m.qps()));
    }
    return out;
  }

  /** Recall against round {@code round}'s CPU-time QPS. */
  List<Recall.Point> roundCurve(int round) {
    List<Recall.Point> out = new ArrayList<>();
    for (int i = 0; i < points.size(); i++) {
      out.add(new Recall.Point(points.get(i).recall(), cpuQpsRounds.get(i)[round]));
    }
    return out;
  }

  /** Rounds every point was measured in. */
  int rounds() {
    return cpuQpsRounds.isEmpty() ? 0 : cpuQpsRounds.getFirst().length;
  }
}
