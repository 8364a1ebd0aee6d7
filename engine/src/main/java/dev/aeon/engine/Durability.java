package dev.aeon.engine;

/** When a mutation is acknowledged. */
public enum Durability {
  /** After the write-ahead log record is forced to disk (group commit). The default. */
  SYNC,
  /** After the record is in the log's ring; the log is forced every few milliseconds. */
  ASYNC,
  /** Never forced by the log: for tests and bulk loads followed by a checkpoint. */
  OFF
}
