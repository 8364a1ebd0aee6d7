package dev.aeon.bench.locomo;

/**
 * What trace-aware recall needs to know of one conversation's episodic trace: its turns in dialogue
 * order, which turn follows which within a sitting (the NEXT edges), when each was said and its text.
 * Turns are numbered 0..size-1.
 */
interface Dialogue {

  int size();

  /** The turn before {@code turn} in the same sitting, or -1. */
  int previous(int turn);

  /** The turn after {@code turn} in the same sitting, or -1. */
  int next(int turn);

  long timestampMicros(int turn);

  String text(int turn);
}
