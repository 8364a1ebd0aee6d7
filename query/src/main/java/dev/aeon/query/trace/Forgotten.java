package dev.aeon.query.trace;

/**
 * What a forget removed, so that the engine can free the texts of these events (their vectors it removes before,
 * by id). Arrays rather than the events themselves: a session's forget would otherwise make an event per slot
 * (its strings, attributes and record) that only its blob ref is read from. The arrays are the caller's own.
 *
 * @param ids the removed events' ids, in slot order (empty if there was nothing to forget)
 * @param blobRefs their texts' blob refs, in the same order
 * @param edges how many stored edges were removed with them
 */
public record Forgotten(long[] ids, long[] blobRefs, int edges) {

  static final Forgotten NOTHING = new Forgotten(new long[0], new long[0], 0);

  /** How many events were removed. */
  public int count() {
    return ids.length;
  }

  public boolean isEmpty() {
    return ids.length == 0;
  }
}
