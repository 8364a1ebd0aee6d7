package dev.aeon.engine;

/** Counters of one namespace. */
public record MemoryStats(long events, long vectors, long edges, long sessions, long walBytes,
    long lastLsn, long checkpointLsn, long blobBytes, long slbHits, long slbMisses) {}
