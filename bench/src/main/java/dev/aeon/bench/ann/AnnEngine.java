package dev.aeon.bench.ann;

import java.io.IOException;
import java.util.List;

/** One engine under test: built once from the base vectors, then searched at each point of its sweep. */
interface AnnEngine extends AutoCloseable {

  /** The engine's name in the report. */
  String name();

  /** Indexes every base vector (row i gets id i); the caller times it. */
  void build(float[][] base) throws IOException;

  /** Bytes per vector that a search keeps in RAM, as {@link #memoryNote()} defines them. */
  double bytesPerVector() throws IOException;

  /** What {@link #bytesPerVector()} counts, for the report. */
  String memoryNote();

  /** The search settings to measure, from cheapest to most accurate. */
  List<Setting> sweep(boolean quick);

  /** The search beams the graph indexes are swept over (efSearch, re-rank depth), so both get the same points. */
  static int[] beamSweep(boolean quick) {
    return quick ? new int[] {10, 20, 40, 80, 160, 320}
        : new int[] {10, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512};
  }

  /** A search setting: its parameters as the report shows them, and the search that uses them. */
  record Setting(String params, Query query) {}

  /** Answers one query: the ids of the (about) {@code k} best vectors, best first. */
  @FunctionalInterface
  interface Query {
    int[] search(float[] q, int k) throws IOException;
  }

  @Override
  void close() throws IOException;
}
