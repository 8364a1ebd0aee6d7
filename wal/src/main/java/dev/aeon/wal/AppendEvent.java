package dev.aeon.wal;

import java.util.concurrent.CompletableFuture;

/** One slot of the append ring: a record waiting for the flusher, and whom to tell when it is done. */
final class AppendEvent {

  byte type;
  byte[] payload;
  CompletableFuture<Long> future;
  /** When the writer published it ({@link System#nanoTime}): how soon writers come back, see {@link WriterReturns}. */
  long publishedNanos;

  void set(byte type, byte[] payload, CompletableFuture<Long> future, long publishedNanos) {
    this.type = type;
    this.payload = payload;
    this.future = future;
    this.publishedNanos = publishedNanos;
  }

  /** Drops the references so that a slot does not keep a payload alive until it is reused. */
  void clear() {
    payload = null;
    future = null;
  }
}
