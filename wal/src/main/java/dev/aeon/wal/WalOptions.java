package dev.aeon.wal;

import java.util.Objects;

/**
 * How a {@link Wal} is opened. Immutable: every setter returns a changed copy.
 *
 * <pre>{@code
 * Wal wal = Wal.open(dir, WalOptions.defaults().durability(Durability.ASYNC).asyncForceIntervalMillis(5));
 * }</pre>
 */
public final class WalOptions {

  /** Default largest segment size: 64 MiB. */
  public static final long DEFAULT_SEGMENT_SIZE = 64L << 20;
  /** Default largest payload: 16 MiB. */
  public static final int DEFAULT_MAX_PAYLOAD = 16 << 20;
  /**
   * The largest payload the log can take: 1 GiB. A record is written as one frame through one buffer, and a
   * frame of a payload near 2 GiB would not fit a Java array (its write would fail the log, not the append).
   */
  public static final int LARGEST_MAX_PAYLOAD = 1 << 30;
  /** Default number of slots of the append ring (a power of two). */
  public static final int DEFAULT_RING_SIZE = 4096;
  /** Default force interval of {@link Durability#ASYNC}. */
  public static final long DEFAULT_ASYNC_FORCE_INTERVAL_MILLIS = 10;

  private Durability durability = Durability.SYNC;
  private long segmentSize = DEFAULT_SEGMENT_SIZE;
  private int maxPayload = DEFAULT_MAX_PAYLOAD;
  private int ringSize = DEFAULT_RING_SIZE;
  private long asyncForceIntervalMillis = DEFAULT_ASYNC_FORCE_INTERVAL_MILLIS;
  private boolean readOnly;
  private RecordConsumer listener;
  private ChannelOpener channelOpener = ChannelOpener.DEFAULT;

  private WalOptions() {}

  /** SYNC durability, segments of up to 64 MiB, 16 MiB largest payload, a 4096-slot ring, writable. */
  public static WalOptions defaults() {
    return new WalOptions();
  }

  private WalOptions copy() {
    WalOptions o = new WalOptions();
    o.durability = durability;
    o.segmentSize = segmentSize;
    o.maxPayload = maxPayload;
    o.ringSize = ringSize;
    o.asyncForceIntervalMillis = asyncForceIntervalMillis;
    o.readOnly = readOnly;
    o.listener = listener;
    o.channelOpener = channelOpener;
    return o;
  }

  /** When appends are acknowledged; see {@link Durability}. */
  public WalOptions durability(Durability durability) {
    WalOptions o = copy();
    o.durability = Objects.requireNonNull(durability, "durability");
    return o;
  }

  /**
   * The largest segment size. Segments are preallocated at 64 KiB (or this, if smaller) and grow to twice
   * the size of the one before while they fill within ten seconds, up to this; a record that does not fit
   * the next segment gets one large enough. Must hold the segment header and one record of
   * {@link #maxPayload()} bytes (checked on open). Existing segments keep the size they were made with.
   */
  public WalOptions segmentSize(long bytes) {
    WalOptions o = copy();
    o.segmentSize = bytes;
    return o;
  }

  /**
   * Largest payload accepted by {@link Wal#append}, at most {@link #LARGEST_MAX_PAYLOAD}; larger ones are refused
   * before anything is written.
   */
  public WalOptions maxPayload(int bytes) {
    if (bytes < 0 || bytes > LARGEST_MAX_PAYLOAD) {
      throw new IllegalArgumentException("max payload must be 0 to " + LARGEST_MAX_PAYLOAD + " bytes, not " + bytes);
    }
    WalOptions o = copy();
    o.maxPayload = bytes;
    return o;
  }

  /** Slots of the append ring; a full ring makes appenders wait. A power of two. */
  public WalOptions ringSize(int slots) {
    if (slots < 2 || Integer.bitCount(slots) != 1) {
      throw new IllegalArgumentException("ring size must be a power of two >= 2, not " + slots);
    }
    WalOptions o = copy();
    o.ringSize = slots;
    return o;
  }

  /** How long {@link Durability#ASYNC} may leave written records unforced. */
  public WalOptions asyncForceIntervalMillis(long millis) {
    if (millis < 1) {
      throw new IllegalArgumentException("async force interval must be >= 1 ms, not " + millis);
    }
    WalOptions o = copy();
    o.asyncForceIntervalMillis = millis;
    return o;
  }

  /**
   * Opens without changing anything on disk: no truncation of a torn tail, no appends, no checkpoints.
   * Recovery then stops at the last good record instead of failing on corruption, and
   * {@link Wal#recovery()} says what it stopped at. For inspecting and salvaging a damaged log.
   */
  public WalOptions readOnly(boolean value) {
    WalOptions o = copy();
    o.readOnly = value;
    return o;
  }

  /**
   * Called on the flusher thread for every appended record, in LSN order, once the record meets the
   * durability mode and just before its future completes (null, the default: none). Lets a caller apply records in
   * exactly the order of their LSNs. It must be quick (it delays the next group commit); if it throws, that
   * record's future completes exceptionally with the exception, and the record stays in the log.
   *
   * <p>It must not write to the log or wait for it: on the flusher thread, {@link Wal#append},
   * {@link Wal#appendAndWait}, {@link Wal#sync}, {@link Wal#checkpoint(long)} and {@link Wal#close} throw
   * {@link IllegalStateException}, since each would wait for that very thread (they deadlocked the log). The same
   * holds for a callback of an append's future that runs there (one registered before the future completed, such
   * as {@code thenAccept}); its {@code ...Async} form runs elsewhere. Reading ({@link Wal#lastLsn},
   * {@link Wal#durableLsn}, {@link Wal#replay(long, RecordConsumer)}) is fine. Nor may it wait for what another
   * thread holds while it appends or waits for the log (a lock held around an append): that thread may be
   * waiting for the flusher, which the log cannot detect.
   */
  public WalOptions listener(RecordConsumer value) {
    WalOptions o = copy();
    o.listener = value;
    return o;
  }

  WalOptions channelOpener(ChannelOpener value) {
    WalOptions o = copy();
    o.channelOpener = Objects.requireNonNull(value);
    return o;
  }

  /** Checks the settings that depend on each other; called by {@link Wal#open}. */
  void validate() {
    long needed = WalFormat.HEADER_SIZE + WalFormat.frameSize(maxPayload);
    if (segmentSize < needed) {
      throw new IllegalArgumentException("segment size " + segmentSize + " cannot hold a record of the max payload "
          + maxPayload + " (needs at least " + needed + " bytes)");
    }
  }

  public Durability durability() {
    return durability;
  }

  public long segmentSize() {
    return segmentSize;
  }

  public int maxPayload() {
    return maxPayload;
  }

  public int ringSize() {
    return ringSize;
  }

  public long asyncForceIntervalMillis() {
    return asyncForceIntervalMillis;
  }

  public boolean readOnly() {
    return readOnly;
  }

  public RecordConsumer listener() {
    return listener;
  }

  ChannelOpener channelOpener() {
    return channelOpener;
  }

  @Override
  public String toString() {
    return "WalOptions[durability=" + durability + ", segmentSize=" + segmentSize + ", maxPayload=" + maxPayload
        + ", ringSize=" + ringSize + ", asyncForceIntervalMillis=" + asyncForceIntervalMillis + ", readOnly=" + readOnly
        + "]";
  }
}
