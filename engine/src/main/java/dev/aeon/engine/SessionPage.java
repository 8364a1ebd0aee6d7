package dev.aeon.engine;

import java.util.List;

/**
 * One page of a namespace's sessions ({@link Memory#sessions}).
 *
 * @param sessions the sessions of this page, in the order their names first appeared in the namespace (see
 *     {@link Memory#sessions} for a name a compaction freed)
 * @param cursor where the next page starts, or 0 once every session was listed
 */
public record SessionPage(List<String> sessions, long cursor) {

  public SessionPage {
    sessions = List.copyOf(sessions);
  }

  /** Whether this is the last page. */
  public boolean isLast() {
    return cursor == 0;
  }
}
