package dev.aeon.engine;

import dev.aeon.common.TextEmbedder;
import java.time.Duration;
import java.util.Objects;

/**
 * How a memory is opened. {@link #defaults()} is right for most users: SYNC durability, a background
 * checkpoint every 64 MiB of log or 5 seconds, a 64-entry semantic lookaside buffer per session.
 *
 * <p>Why 5 seconds: a checkpoint flushes what changed since the last one, so frequent checkpoints stay small
 * and keep replay at open short. With 60 s, {@code ./aeon bench contention} showed reader tails of up to
 * hundreds of milliseconds in some runs; with 4 to 5 s it has not (see docs/benchmarks.md for how firm that is).
 *
 * @param durability when mutations are acknowledged
 * @param embedder turns text into vectors when a mutation or recall gives text but no vector; may be null
 * @param checkpointLogBytes log size after which a background checkpoint runs
 * @param checkpointInterval time after which a background checkpoint runs
 * @param slbEntriesPerSession ring size of each session's lookaside buffer; 0 turns the SLB off
 * @param slbThreshold cosine similarity from which a cached query is considered a hit, in (0, 1] (1: only a
 *     query of the same direction, up to float rounding)
 * @param slbMaxBytes total memory of every session's lookaside buffer in one namespace, evicted LRU: each open
 *     namespace has a buffer of its own, so an {@code Aeon} with n namespaces open may hold n times this
 * @param slbMinVectors the lookaside buffer serves only recalls among at least this many vectors (the
 *     namespace's; when the recall names a session, that session's events, with a vector or not): among fewer a search
 *     costs about what a hit does, so the buffer could only add its own cost (docs/benchmarks.md, the SLB section, has
 *     the measurements)
 * @param walSegmentBytes the largest write-ahead log segment: segments are preallocated from 64 KiB and grow
 *     with the write rate up to this size (so a namespace that holds little takes little disk)
 * @param queryTimeLimit how long a statement of the query language may run before it is stopped with a
 *     {@code QueryException} (zero: no limit); 30 seconds by default, so that one statement (a variable-length
 *     pattern over a dense graph) cannot hold a thread, a server's worker, for good
 */
public record AeonOptions(Durability durability, TextEmbedder embedder, long checkpointLogBytes,
    Duration checkpointInterval, int slbEntriesPerSession, float slbThreshold, long slbMaxBytes,
    int slbMinVectors, long walSegmentBytes, Duration queryTimeLimit) {

  /** See {@link #slbMinVectors}. */
  public static final int DEFAULT_SLB_MIN_VECTORS = 5_000;

  /**
   * The largest log segment. The log writes each new segment out in zeros, so a size given by mistake
   * filled the disk before anything failed; and since a mutation may take half a segment, up to 16 MiB,
   * larger segments would only mean fewer files.
   */
  public static final long MAX_WAL_SEGMENT_BYTES = 1L << 30;

  public AeonOptions {
    Objects.requireNonNull(durability, "durability");
    Objects.requireNonNull(checkpointInterval, "checkpointInterval");
    Objects.requireNonNull(queryTimeLimit, "queryTimeLimit");
    if (queryTimeLimit.isNegative()) {
      throw new IllegalArgumentException("queryTimeLimit must not be negative: " + queryTimeLimit);
    }
    if (checkpointLogBytes <= 0) {
      throw new IllegalArgumentException("checkpointLogBytes must be positive");
    }
    if (checkpointInterval.isNegative() || checkpointInterval.isZero()) {
      throw new IllegalArgumentException("checkpointInterval must be positive: " + checkpointInterval);
    }
    if (walSegmentBytes < (64 << 10) || walSegmentBytes > MAX_WAL_SEGMENT_BYTES) {
      throw new IllegalArgumentException("walSegmentBytes must be from 64 KiB to 1 GiB: " + walSegmentBytes);
    }
    if (slbEntriesPerSession < 0) {
      throw new IllegalArgumentException("slbEntriesPerSession must not be negative (0: no SLB): "
          + slbEntriesPerSession);
    }
    if (!(slbThreshold > 0 && slbThreshold <= 1)) { // written so that NaN fails too
      throw new IllegalArgumentException("slbThreshold must be in (0, 1]: " + slbThreshold);
    }
    if (slbMaxBytes < 0) {
      throw new IllegalArgumentException("slbMaxBytes must not be negative: " + slbMaxBytes);
    }
    if (slbMinVectors < 0) {
      throw new IllegalArgumentException("slbMinVectors must not be negative: " + slbMinVectors);
    }
  }

  public static AeonOptions defaults() {
    return new AeonOptions(Durability.SYNC, null, 64L << 20, Duration.ofSeconds(5), 64, 0.85f, 32L << 20,
        DEFAULT_SLB_MIN_VECTORS, 64L << 20, Duration.ofSeconds(30));
  }

  public AeonOptions withDurability(Durability durability) {
    return new AeonOptions(durability, embedder, checkpointLogBytes, checkpointInterval, slbEntriesPerSession,
        slbThreshold, slbMaxBytes, slbMinVectors, walSegmentBytes, queryTimeLimit);
  }

  /**
   * The embedder that gives a vector to an event remembered without one, and to a recall by text. The engine
   * calls it in the caller's thread, and the call lasts until every window of the text is embedded (256 tokens each
   * with the bundled MiniLM, which runs a long text's windows in parallel on the common fork-join pool), so a
   * remember takes time in proportion to its text's length. Null: none.
   */
  public AeonOptions withEmbedder(TextEmbedder embedder) {
    return new AeonOptions(durability, embedder, checkpointLogBytes, checkpointInterval, slbEntriesPerSession,
        slbThreshold, slbMaxBytes, slbMinVectors, walSegmentBytes, queryTimeLimit);
  }

  public AeonOptions withCheckpoints(long checkpointLogBytes, Duration checkpointInterval) {
    return new AeonOptions(durability, embedder, checkpointLogBytes, checkpointInterval, slbEntriesPerSession,
        slbThreshold, slbMaxBytes, slbMinVectors, walSegmentBytes, queryTimeLimit);
  }

  /**
   * Log segments of at most {@code bytes}, from 64 KiB to 1 GiB (64 MiB by default): they start at 64 KiB and
   * grow with the write rate up to it. One event takes at most half of it in the log.
   */
  public AeonOptions withWalSegmentBytes(long bytes) {
    return new AeonOptions(durability, embedder, checkpointLogBytes, checkpointInterval, slbEntriesPerSession,
        slbThreshold, slbMaxBytes, slbMinVectors, bytes, queryTimeLimit);
  }

  /**
   * The largest event a namespace takes, encoded (text, vector, attributes and links): one log record, half
   * the largest segment and at most 16 MiB. A text larger than this is refused before it is embedded.
   */
  public int maxEventBytes() {
    return (int) Math.min(dev.aeon.wal.WalOptions.DEFAULT_MAX_PAYLOAD, walSegmentBytes / 2);
  }

  public AeonOptions withSlb(int entriesPerSession, float threshold, long maxBytes) {
    return new AeonOptions(durability, embedder, checkpointLogBytes, checkpointInterval, entriesPerSession,
        threshold, maxBytes, slbMinVectors, walSegmentBytes, queryTimeLimit);
  }

  /** The lookaside buffer serves namespaces from this many vectors on; 0 uses it in every namespace. */
  public AeonOptions withSlbMinVectors(int minVectors) {
    return new AeonOptions(durability, embedder, checkpointLogBytes, checkpointInterval, slbEntriesPerSession,
        slbThreshold, slbMaxBytes, minVectors, walSegmentBytes, queryTimeLimit);
  }

  /**
   * Statements of the query language stop after {@code queryTimeLimit} (zero, or a century or more: no limit); 30
   * seconds by default.
   */
  public AeonOptions withQueryTimeLimit(Duration queryTimeLimit) {
    return new AeonOptions(durability, embedder, checkpointLogBytes, checkpointInterval, slbEntriesPerSession,
        slbThreshold, slbMaxBytes, slbMinVectors, walSegmentBytes, queryTimeLimit);
  }
}
