package dev.aeon.wal;

import java.util.concurrent.CompletableFuture;

/** One slot of the append ring: a record waiting for the flusher, and whom to tell when it is done. */
final class AppendEvent {

  byte type;
  byte[] payload;
  CompletableFuture<Long> future;

  void set(byte type, byte[] payload, CompletableFuture<Long> future) {
    this.type = type;
    this.payload = payload;
    this.future = future;
  }

  /** Drops the references so that a slot does not keep a payload alive until it is reused. */
  void clear() {
    payload = null;
    future = null;
  }
}
