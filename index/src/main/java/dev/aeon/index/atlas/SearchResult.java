package dev.aeon.index.atlas;

/**
 * The answer to one search: ids and cosine scores, best first, and the leaves that were scored with the
 * version each had when it was scored (for a caller that caches leaves: a cached leaf whose version
 * changed is stale; the engine's lookaside buffer caches candidate ids instead). {@code missingLeaves} lists requested
 * leaf ids that no longer exist (split or emptied since they were cached). An exact scan (a very selective filter)
 * scores no leaves.
 */
public record SearchResult(long[] ids, float[] scores, int[] leafIds, long[] leafVersions, int[] missingLeaves,
    boolean exactScan) {

  public int size() {
    return ids.length;
  }
}
