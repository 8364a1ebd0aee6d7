package dev.aeon.query.trace;

import java.util.List;

/**
 * What a forget removed, so that the engine can free the blobs and vectors of these events.
 *
 * @param events the removed events (empty if there was nothing to forget)
 * @param edges how many stored edges were removed with them
 */
public record Forgotten(List<Event> events, int edges) {

  static final Forgotten NOTHING = new Forgotten(List.of(), 0);

  public boolean isEmpty() {
    return events.isEmpty();
  }
}
