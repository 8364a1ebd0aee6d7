package dev.aeon.wal;

import java.util.concurrent.CompletableFuture;

/** One slot of the append ring: a record waiting for the flusher, and whom to tell when it is done. */
final class AppendEvent {

  byte type;
  byte[] payload;
  CompletableFuture<Long> future;
  /** Force before acknowledging, whatever the durability mode (checkpoint records). */
  boolean force;
  /** Write this record at the start of a new segment (a checkpoint that erases older segments). */
  boolean newSegment;

  void set(byte type, byte[] payload, CompletableFuture<Long> future, boolean force, boolean newSegment) {
    this.type = type;
    this.payload = payload;
    this.future = future;
    this.force = force;
    this.newSegment = newSegment;
  }

  /** Drops the references so that a slot does not keep a payload alive until it is reused. */
  void clear() {
    payload = null;
    future = null;
  }
}
