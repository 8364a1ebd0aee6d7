package dev.aeon.wal;

/**
 * When an append is acknowledged (its future completes), and so what a crash can take away.
 *
 * <p>Every mode writes records in LSN order and completes futures in LSN order; they differ only in
 * when the flusher calls {@code FileChannel.force} relative to the acknowledgement.
 */
public enum Durability {
  /**
   * Acknowledged after the record is written and forced to the device. An acknowledged record survives
   * a process crash and a power loss. The default.
   */
  SYNC,
  /**
   * Acknowledged after the record is written to the operating system (it survives the death of the
   * process, including {@code kill -9}); a forcing thread of its own forces it at most
   * {@link WalOptions#asyncForceIntervalMillis()} later, so a power loss or kernel crash can lose at most that window.
   */
  ASYNC,
  /**
   * Acknowledged after the record is written to the operating system; forced only by
   * {@link Wal#checkpoint(long)}, {@link Wal#sync()} and {@link Wal#close()}. Survives the death of the process; a
   * power loss can lose anything written since the last checkpoint or clean close. For tests and bulk loads.
   */
  OFF
}
