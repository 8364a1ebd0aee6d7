package dev.aeon.bench.locomo;

import dev.aeon.bench.locomo.LocomoData.Turn;
import java.util.List;

/**
 * What trace-aware recall reads of one conversation's episodic trace: its turns in dialogue order (the
 * NEXT edges), when each was said, and its text. Turns are numbered 0..size-1.
 *
 * <p>NEXT links consecutive turns of the conversation; trace-aware recall follows it only within a
 * <em>sitting</em>, a run of turns without a pause longer than {@link #SITTING_GAP_MICROS}, because the
 * last words of one day's chat say little about the first words weeks later.
 */
final class Dialogue {

  /** A pause longer than this (one hour) starts a new sitting. */
  static final long SITTING_GAP_MICROS = 3_600_000_000L;

  private final long[] timestamps;
  private final String[] texts;

  /**
   * @param timestampsMicros when each turn was said, in dialogue order (not decreasing)
   * @param texts what was said, aligned with the timestamps
   */
  Dialogue(long[] timestampsMicros, String[] texts) {
    if (timestampsMicros.length != texts.length) {
      throw new IllegalArgumentException(timestampsMicros.length + " timestamps for " + texts.length + " texts");
    }
    for (int i = 1; i < timestampsMicros.length; i++) {
      if (timestampsMicros[i] < timestampsMicros[i - 1]) {
        throw new IllegalArgumentException("turn " + i + " is older than the turn before it");
      }
    }
    this.timestamps = timestampsMicros;
    this.texts = texts;
  }

  /** The dialogue of a data set's conversation, read directly (no engine). */
  static Dialogue of(List<Turn> turns) {
    return new Dialogue(turns.stream().mapToLong(Turn::timestampMicros).toArray(),
        turns.stream().map(Turn::text).toArray(String[]::new));
  }

  int size() {
    return timestamps.length;
  }

  /** The turn before {@code turn} in the same sitting, or -1. */
  int previous(int turn) {
    return turn > 0 && timestamps[turn] - timestamps[turn - 1] <= SITTING_GAP_MICROS ? turn - 1 : -1;
  }

  /** The turn after {@code turn} in the same sitting, or -1. */
  int next(int turn) {
    return turn + 1 < timestamps.length && timestamps[turn + 1] - timestamps[turn] <= SITTING_GAP_MICROS
        ? turn + 1 : -1;
  }

  long timestampMicros(int turn) {
    return timestamps[turn];
  }

  String text(int turn) {
    return texts[turn];
  }
}
