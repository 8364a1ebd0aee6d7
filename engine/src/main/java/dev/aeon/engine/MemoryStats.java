package dev.aeon.engine;

/**
 * Counters of one namespace.
 *
 * @param events live events
 * @param vectors vectors in the index
 * @param edges links between live events, invalidated ones included (a query {@code AS OF} a time they were
 *     valid sees them); forgetting an event removes its links; NEXT is implicit and not counted
 * @param sessions sessions with at least one live event
 * @param walBytes bytes of the log's segment files
 * @param lastLsn the last log sequence number assigned
 * @param checkpointLsn the log sequence number of the last checkpoint
 * @param blobBytes bytes of the blob arena's live records of texts, headers and padding included; a forgotten
 *     event's text counts until the checkpoint that frees it (forgetting only queues the free)
 * @param slbHits recalls the lookaside buffer answered by rescanning a similar query's cached candidates
 * @param slbMisses recalls through the buffer that searched the index
 * @param slbSessions sessions whose recent queries the lookaside buffer holds
 * @param slbBytes the lookaside buffer's estimate of the memory it holds, kept within
 *     {@link AeonOptions#slbMaxBytes()} (the least recently used sessions are evicted)
 * @param checkpoints checkpoints run since open
 * @param longestCheckpointPause the longest time a checkpoint since open held writers back, step by step
 * @param meanCheckpointPauseMicros the mean time the checkpoints since open held writers back
 * @param embeddingModel the embedding model of the namespace's vectors, or null while none is recorded
 *     (vectors given without their model record none; see {@link Remember#vector(float[], String)})
 * @param retiredNotFreed how many pieces of memory the namespace no longer uses are not freed yet (a count, not
 *     bytes): the blob arena's mappings replaced as it grew, generations replaced by a collection (their files
 *     deleted, their disk space in use while mapped), batches of forgotten texts to erase. Each is freed within
 *     moments (a background pass every 50 ms) once every read that began before it was retired has ended; a
 *     read that runs on holds it and everything retired after it (the log warns of such a read after a minute,
 *     naming its thread)
 * @param logForces forced writes of the namespace's log since it was opened (each makes every record written
 *     before it durable: under SYNC writers that wait at once share one, see {@link DeferredDurability})
 * @param logFlusher what the log's flusher did on an empty ring since the log was opened: how many times it spun
 *     for its writers and how many times it blocked at once (then a record costs a wake-up of the flusher), and how
 *     soon after each wait began the writers came back ({@link LogFlusherStats}); {@link LogFlusherStats#NONE} for a
 *     namespace that does not exist
 * @param indexMergesWaiting leaves of the vector index that deletes left small whose merge into a sibling was skipped
 *     because the index's page file could not grow (a full device), and waits still: the index stays correct, only
 *     less tidy (searches score more, smaller leaves), and the next forget or compaction that finds room merges them
 *     (0 again). Kept across a reopen of the namespace (the index's manifest names them); the log warns at the
 *     first skip of a run, and at an open with leaves waiting
 */
public record MemoryStats(long events, long vectors, long edges, long sessions, long walBytes,
    long lastLsn, long checkpointLsn, long blobBytes, long slbHits, long slbMisses, long slbSessions,
    long slbBytes, long checkpoints,
    CheckpointPause longestCheckpointPause, long meanCheckpointPauseMicros, String embeddingModel,
    long retiredNotFreed, long logForces, LogFlusherStats logFlusher, long indexMergesWaiting) {

  /** The longest time a checkpoint since open held writers back. */
  public long maxCheckpointPauseMicros() {
    return longestCheckpointPause.totalMicros();
  }
}
