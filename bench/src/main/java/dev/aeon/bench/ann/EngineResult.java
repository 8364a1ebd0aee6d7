package dev.aeon.bench.ann;

import java.util.ArrayList;
import java.util.List;

/** What one engine measured: build time, memory and one point per sweep setting. */
record EngineResult(String engine, double buildSeconds, double bytesPerVector, String memoryNote,
    List<QueryLoop.Measured> points) {

  List<Recall.Point> curve() {
    List<Recall.Point> out = new ArrayList<>();
    for (QueryLoop.Measured m : points) {
      out.add(new Recall.Point(m.recall(), m.qps()));
    }
    return out;
  }
}
