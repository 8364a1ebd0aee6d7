package dev.aeon.wal;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Receives records in LSN order, from {@link Wal#replay} or as the {@link WalOptions#listener}. */
@FunctionalInterface
public interface RecordConsumer {

  /**
   * One record. The payload is a read-only view, valid only during this call: copy what must outlive it.
   *
   * @param lsn the record's log sequence number; consecutive records have consecutive LSNs
   * @param type the caller's record type (0..127)
   * @param payload the record's bytes, from position 0 to its limit
   */
  void accept(long lsn, byte type, ByteBuffer payload) throws IOException;
}
