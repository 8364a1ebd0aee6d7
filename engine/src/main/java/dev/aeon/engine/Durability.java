package dev.aeon.engine;

/** When a mutation is acknowledged. */
public enum Durability {
  /** After the write-ahead log record is forced to disk (group commit). The default. */
  SYNC,
  /**
   * After the record is written to the operating system, not forced: it survives the death of the process
   * ({@code kill -9}); the log is forced every few milliseconds, so a power loss can take those.
   */
  ASYNC,
  /**
   * After the record is written to the operating system, as ASYNC, but the log is forced only by a
   * checkpoint or close: a power loss can take everything since. For tests and bulk loads.
   */
  OFF
}
